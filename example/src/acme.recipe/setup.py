from setuptools import setup, find_packages

setup(
    name="acme.recipe",
    version="1.0",
    description="Buildout recipe that writes bin/ scripts for eggs' console entry points",
    packages=find_packages(),
    namespace_packages=["acme"],
    install_requires=["setuptools", "zc.buildout"],
    entry_points={"zc.buildout": ["default = acme.recipe.scripts:Scripts",
                                  "scripts = acme.recipe.scripts:Scripts",
                                  "haproxy = acme.recipe.haproxy:Haproxy"]},
    zip_safe=True,
)
