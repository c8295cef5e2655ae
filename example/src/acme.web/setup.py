from setuptools import setup, find_packages

setup(
    name="acme.web",
    version="1.0",
    description="Acme's web service",
    packages=find_packages(),
    namespace_packages=["acme"],
    install_requires=["setuptools", "acme.core", "plainhtml"],
    entry_points={"console_scripts": ["acme-web = acme.web.server:main",
                                      "acme-ctl = acme.web.control:main"]},
    zip_safe=True,
)
