from setuptools import setup, find_packages

setup(
    name="collective.recipe.hostout",
    # Raise it whenever the recipe changes: buildouts with `newest = false`
    # only pick up a new recipe egg under a new version.
    version="1.0",
    description="zc.buildout recipe for a Hostout deployment target: writes bin/<part>, which runs ctl for it",
    packages=find_packages(exclude=["tests"]),
    namespace_packages=["collective", "collective.recipe"],
    install_requires=["setuptools", "zc.buildout"],
    entry_points={"zc.buildout": ["default = collective.recipe.hostout.recipe:Recipe"]},
    zip_safe=True,
)
