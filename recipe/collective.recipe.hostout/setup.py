from setuptools import setup, find_packages

setup(
    name="collective.recipe.hostout",
    # Raise it whenever the recipe changes: buildouts with `newest = false`
    # only pick up a new recipe egg under a new version.
    version="1.1",
    description="zc.buildout recipe for a Hostout deployment target: writes bin/<part>, which runs ctl for it",
    packages=find_packages(exclude=["tests"]),
    namespace_packages=["collective", "collective.recipe"],
    # No install_requires: the recipe runs inside buildout, which brings
    # zc.buildout and setuptools; requiring them would make a buildout with
    # allow-picked-versions = false ask for pins of its own runtime.
    entry_points={"zc.buildout": ["default = collective.recipe.hostout.recipe:Recipe"]},
    zip_safe=True,
)
