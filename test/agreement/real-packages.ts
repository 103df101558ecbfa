// The real cgo packages of the agreement test (test/agreement/real-modules.test.ts), pinned, and the table of
// known disagreements between cgo-ls and `go build`. Each package says what the real build does on this
// machine (with the apt packages .ci/run installs), and why it is here: most split their #cgo flags across
// files, as cmd/go allows (it merges every file's #cgo lines per package).

export interface RealPackage {
  /** Module path and exact version (the test asserts the go command selects exactly this version). */
  module: string;
  version: string;
  /** The import path of the cgo package that is built, linked into a program and checked. */
  pkg: string;
  /** What `go build` plus linking a program that imports it does here: the test asserts it still does. */
  builds: boolean;
  /** Debian packages it needs (installed by .ci/run). */
  apt?: string[];
  /** Why it is in the list: what it exercises. */
  why: string;
}

export const REAL_PACKAGES: RealPackage[] = [
  // --- bundled C sources or headers, flags split across files ---
  {
    module: 'github.com/mattn/go-sqlite3',
    version: 'v1.14.53',
    pkg: 'github.com/mattn/go-sqlite3',
    builds: true,
    why: 'bundled SQLite; -D lines in sqlite3.go, `-I.` in sqlite3_other.go, includes in 8 other files',
  },
  {
    module: 'github.com/godror/godror',
    version: 'v0.40.4',
    pkg: 'github.com/godror/godror',
    builds: true,
    why: 'bundled ODPI-C; -I./odpi/... only in drv.go, `#include "dpiImpl.h"` (in odpi/src) in 9 other files',
  },
  {
    module: 'github.com/valyala/gozstd',
    version: 'v1.27.0',
    pkg: 'github.com/valyala/gozstd',
    builds: true,
    why: 'prebuilt ${SRCDIR}/libzstd_linux_amd64.a named in its own file; headers bundled',
  },
  {
    module: 'github.com/tree-sitter/go-tree-sitter',
    version: 'v0.25.0',
    pkg: 'github.com/tree-sitter/go-tree-sitter',
    builds: true,
    why: 'bundled tree-sitter, `#include "lib.c"` in a preamble; -Iinclude -Isrc',
  },
  {
    module: 'github.com/chai2010/webp',
    version: 'v1.4.0',
    pkg: 'github.com/chai2010/webp',
    builds: true,
    why: 'bundled libwebp; -I lines in capi.go, `#include <webp/decode.h>` (found only through them) in webp_decode.go',
  },
  {
    module: 'github.com/go-gl/glfw/v3.3/glfw',
    version: 'v0.0.0-20260823155953-d41da22a9587',
    pkg: 'github.com/go-gl/glfw/v3.3/glfw',
    builds: true,
    apt: ['libx11-dev', 'libxrandr-dev', 'libxcursor-dev', 'libxinerama-dev', 'libxi-dev', 'libxxf86vm-dev', 'libgl-dev'],
    why: 'bundled GLFW; `-D_GLFW_X11` in build.go, the X11 sources that need it included by c_glfw_lin.go',
  },
  {
    module: 'github.com/confluentinc/confluent-kafka-go/v2',
    version: 'v2.11.1',
    pkg: 'github.com/confluentinc/confluent-kafka-go/v2/kafka',
    builds: true,
    why: '-DUSE_VENDORED_LIBRDKAFKA in build_glibc_linux_amd64.go selects the vendored header in select_rdkafka.h, included by 19 other files; vendored .a',
  },
  {
    module: 'github.com/yalue/onnxruntime_go',
    version: 'v1.27.0',
    pkg: 'github.com/yalue/onnxruntime_go',
    builds: true,
    why: 'bundled onnxruntime headers, dlopen; -ldl in setup_env.go',
  },
  { module: 'github.com/miekg/pkcs11', version: 'v1.1.2', pkg: 'github.com/miekg/pkcs11', builds: true, why: 'bundled PKCS#11 headers, dlopen' },
  {
    module: 'github.com/NVIDIA/go-nvml',
    version: 'v0.13.4-1',
    pkg: 'github.com/NVIDIA/go-nvml/pkg/nvml',
    builds: true,
    why: 'bundled nvml.h; LDFLAGS -Wl,--unresolved-symbols=ignore-in-object-files (allow-listed)',
  },
  {
    module: 'github.com/cloudflare/golz4',
    version: 'v0.0.0-20240916140612-caecf3c00c06',
    pkg: 'github.com/cloudflare/golz4',
    builds: true,
    why: 'C sources included into two preambles',
  },
  {
    module: 'github.com/opencontainers/runc',
    version: 'v1.5.3',
    pkg: 'github.com/opencontainers/runc/libcontainer/nsenter',
    builds: true,
    why: "runc's nsenter: bundled C files, a constructor in the preamble",
  },
  {
    module: 'github.com/yanyiwu/gojieba',
    version: 'v1.4.6',
    pkg: 'github.com/yanyiwu/gojieba',
    builds: true,
    why: 'C++: CXXFLAGS (-I./deps/cppjieba/include …) for jieba.cpp in jieba.go; the preambles include a C header',
  },
  { module: 'github.com/mattn/go-pointer', version: 'v0.0.1', pkg: 'github.com/mattn/go-pointer', builds: true, why: 'the smallest real cgo package' },
  {
    module: 'golang.org/x/sys',
    version: 'v0.50.0',
    pkg: 'golang.org/x/sys/unix',
    builds: true,
    why: 'no cgo file is built, but many files excluded by build constraints (types_linux.go, …) import "C" with Linux headers',
  },
  // --- system libraries: pkg-config or -l in one file, the #include in others ---
  {
    module: 'github.com/libp2p/go-openssl',
    version: 'v0.1.0',
    pkg: 'github.com/libp2p/go-openssl',
    builds: true,
    apt: ['libssl-dev'],
    why: '`#cgo pkg-config: libssl libcrypto` and -Wno-deprecated-declarations only in build.go; 25 files include OpenSSL headers',
  },
  {
    module: 'github.com/seccomp/libseccomp-golang',
    version: 'v0.12.0',
    pkg: 'github.com/seccomp/libseccomp-golang',
    builds: true,
    apt: ['libseccomp-dev'],
    why: 'pkg-config in seccomp_internal.go, the include in seccomp.go',
  },
  {
    module: 'github.com/pebbe/zmq4',
    version: 'v1.4.0',
    pkg: 'github.com/pebbe/zmq4',
    builds: true,
    apt: ['libzmq3-dev'],
    why: 'pkg-config libzmq in zmq4.go only, <zmq.h> in 8 other files',
  },
  {
    module: 'github.com/twpayne/go-proj/v11',
    version: 'v11.1.0',
    pkg: 'github.com/twpayne/go-proj/v11',
    builds: true,
    apt: ['libproj-dev'],
    why: 'pkg-config proj in proj.go only, `#cgo nocallback` lines everywhere',
  },
  {
    module: 'github.com/davidbyttow/govips/v2',
    version: 'v2.16.0',
    pkg: 'github.com/davidbyttow/govips/v2/vips',
    builds: true,
    apt: ['libvips-dev'],
    why: '`#cgo pkg-config: vips` only in govips.go; <vips/vips.h>, which needs the glib-2.0 -I directories pkg-config gives, in composite.go, error.go and (through their .h files) 20 more',
  },
  {
    module: 'github.com/terminalstatic/go-xsd-validate',
    version: 'v0.1.8',
    pkg: 'github.com/terminalstatic/go-xsd-validate',
    builds: true,
    apt: ['libxml2-dev'],
    why: 'pkg-config libxml-2.0 (headers under /usr/include/libxml2)',
  },
  {
    module: 'github.com/docker/docker-credential-helpers',
    version: 'v0.9.13',
    pkg: 'github.com/docker/docker-credential-helpers/secretservice',
    builds: true,
    apt: ['libsecret-1-dev'],
    why: 'pkg-config libsecret-1 (glib headers through it)',
  },
  {
    module: 'github.com/ebitengine/oto/v3',
    version: 'v3.4.0',
    pkg: 'github.com/ebitengine/oto/v3',
    builds: true,
    apt: ['libasound2-dev'],
    why: 'pkg-config alsa; most files are for other OSes',
  },
  {
    module: 'github.com/google/gopacket',
    version: 'v1.1.19',
    pkg: 'github.com/google/gopacket/pcap',
    builds: true,
    apt: ['libpcap-dev'],
    why: '-lpcap; files for other OSes excluded',
  },
  {
    module: 'github.com/msteinert/pam/v2',
    version: 'v2.1.0',
    pkg: 'github.com/msteinert/pam/v2',
    builds: true,
    apt: ['libpam0g-dev'],
    why: '-lpam in transaction.go, <security/pam_appl.h> in 3 other files',
  },
  {
    module: 'github.com/jmhodges/levigo',
    version: 'v1.0.0',
    pkg: 'github.com/jmhodges/levigo',
    builds: true,
    apt: ['libleveldb-dev'],
    why: '-lleveldb repeated in 9 files, not in conv.go',
  },
  {
    module: 'github.com/coreos/go-systemd/v22',
    version: 'v22.7.0',
    pkg: 'github.com/coreos/go-systemd/v22/sdjournal',
    builds: true,
    apt: ['libsystemd-dev'],
    why: 'systemd headers, dlopen at run time',
  },
  // --- packages whose build fails here: cgo-ls must report the cause in the right file ---
  {
    module: 'github.com/mattn/go-oci8',
    version: 'v0.1.1',
    pkg: 'github.com/mattn/go-oci8',
    builds: false,
    why: '`#cgo pkg-config: oci8` in globals.go; no oci8.pc exists (Oracle Instant Client)',
  },
  {
    module: 'github.com/tecbot/gorocksdb',
    version: 'v0.0.0-20191217155057-f0fad39f321c',
    pkg: 'github.com/tecbot/gorocksdb',
    builds: false,
    why: 'rocksdb/c.h is not installed (librocksdb-dev deliberately absent)',
  },
  {
    module: 'github.com/twpayne/go-geos',
    version: 'v0.23.0',
    pkg: 'github.com/twpayne/go-geos',
    builds: false,
    apt: ['libgeos-dev'],
    why: 'pkg-config geos in geos.go only; calls GEOS 3.12 functions, Debian 12 has GEOS 3.11: cmd/cgo says `could not determine what C.GEOSGeom_releaseCollection_r refers to`',
  },
  {
    module: 'gorgonia.org/cu',
    version: 'v0.9.6',
    pkg: 'gorgonia.org/cu',
    builds: false,
    why: '-I/usr/local/cuda/include and -L… only in cgoflags.go, <cuda.h> in 27 files; no CUDA here',
  },
  // --- added in round 13 ---
  {
    module: 'github.com/h2non/bimg',
    version: 'v1.1.9',
    pkg: 'github.com/h2non/bimg',
    builds: true,
    apt: ['libvips-dev'],
    why: 'a module without go.mod, read from the module cache (no cgo/gopath-mode there); pkg-config vips; C struct field selectors, so the C field check builds a C index in its worker thread',
  },
  {
    module: 'github.com/ethereum/go-ethereum',
    version: 'v1.17.10',
    pkg: 'github.com/ethereum/go-ethereum/crypto/secp256k1',
    builds: true,
    why: 'the bundled libsecp256k1 compiled through the preamble: `#include "./libsecp256k1/src/secp256k1.c"` and two more .c files, -I./libsecp256k1 in secp256.go only; //export callbacks in panic_cb.go',
  },
  {
    module: 'github.com/supranational/blst',
    version: 'v0.3.16',
    pkg: 'github.com/supranational/blst/bindings/go',
    builds: true,
    why: '-I${SRCDIR}/.. flags, `#cgo amd64 CFLAGS: -D__ADX__ -mno-avx` (allow-listed), a C source and an assembly file (.S) compiled beside the Go files',
  },
];

export interface KnownDisagreement {
  pkg: string;
  /** What cgo-ls reports. */
  cgoLs: string;
  /** What the real go build (and link) does. */
  goBuild: string;
  /** The cause, diagnosed in cgo-ls's code. */
  cause: string;
}

/**
 * Packages on which cgo-ls and `go build` disagree today. The test expects each of these to FAIL its agreement
 * assertion, and fails when one starts agreeing: remove the entry then. The goal is an empty table.
 */

export const KNOWN_DISAGREEMENTS: KnownDisagreement[] = [
  // Empty since the package became the unit (every preamble compiled with the #cgo flags of all the package's
  // files, pkg-config run for the package): godror, chai2010/webp, go-gl/glfw, confluent-kafka-go and govips
  // agree with go build now.
];
