/**
 * Python that prints the ABI tag zc.buildout's pep425tags.get_abi_tag gives for the
 * interpreter running it (`cp311` for CPython 3.11): what `abi-tag-eggs = true` appends
 * to the eggs directory. One text for ctl (its buildout) and the agent (the host's).
 */
// CPython 3 always has SOABI ("cpython-311-x86_64-linux-gnu"); the rest is buildout's rule
// for interpreters without one, where the d/m/u flags only exist before Python 3.8.
export const PRINT_ABI_TAG = `
import sys, sysconfig
soabi = sysconfig.get_config_var('SOABI')
if soabi and soabi.startswith('cpython-'):
    print('cp' + soabi.split('-')[1])
elif soabi:
    print(soabi.replace('.', '_').replace('-', '_'))
else:
    print('cp' + (sysconfig.get_config_var('py_version_nodot') or '%d%d' % sys.version_info[:2]))
`;
