from setuptools import setup, find_packages

setup(
    name="acme.core",
    version="1.0",
    description="Acme's storage: a visit counter in SQLite",
    packages=find_packages(),
    namespace_packages=["acme"],
    install_requires=["setuptools"],
    zip_safe=True,
)
