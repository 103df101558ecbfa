// Every test process starts with the persistent toolchain cache off (CGO_LS_CACHE_DIR=off), in-process and in every
// server or CLI it spawns with this environment, so no two tests share stored tool answers by accident and no test
// writes to the user's cache directory. Tests about the cache point it at a temp directory of their own.
process.env['CGO_LS_CACHE_DIR'] = 'off';
