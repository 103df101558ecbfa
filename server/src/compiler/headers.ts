// Which header declares a well-known C symbol (C11 / POSIX / Win32), for "add #include <x.h>" hints on
// unresolved C.names and implicit declarations. Only unambiguous, standard locations are listed.

export interface HeaderInfo {
  header: string;
  /** 'c' = ISO C, 'posix' = POSIX/Unix only, 'windows' = Win32 API (windows.h family). */
  std: 'c' | 'posix' | 'windows';
}

const BY_HEADER: Record<string, { std: HeaderInfo['std']; names: string }> = {
  'stdio.h': {
    std: 'c',
    names:
      'printf fprintf sprintf snprintf vprintf vfprintf vsprintf vsnprintf scanf fscanf sscanf puts fputs fputc putc putchar ' +
      'getc getchar fgetc fgets ungetc fopen fclose fflush fread fwrite fseek ftell rewind feof ferror clearerr perror ' +
      'remove rename tmpfile tmpnam setvbuf setbuf FILE EOF BUFSIZ stdin stdout stderr SEEK_SET SEEK_CUR SEEK_END fpos_t ' +
      'fgetpos fsetpos freopen',
  },
  'stdlib.h': {
    std: 'c',
    names:
      'free calloc realloc aligned_alloc abort exit _Exit atexit at_quick_exit quick_exit getenv system atoi atol atoll ' +
      'atof strtol strtoul strtoll strtoull strtod strtof strtold rand srand qsort bsearch abs labs llabs div ldiv ' +
      'EXIT_SUCCESS EXIT_FAILURE RAND_MAX MB_CUR_MAX mblen mbtowc wctomb mbstowcs wcstombs div_t ldiv_t',
  },
  'string.h': {
    std: 'c',
    names:
      'memcpy memmove memset memcmp memchr strlen strcpy strncpy strcat strncat strcmp strncmp strchr strrchr strstr ' +
      'strtok strerror strspn strcspn strpbrk strcoll strxfrm',
  },
  'strings.h': { std: 'posix', names: 'strcasecmp strncasecmp bzero' },
  'math.h': {
    std: 'c',
    names:
      'sin cos tan asin acos atan atan2 sinh cosh tanh exp exp2 log log10 log2 log1p expm1 pow sqrt cbrt hypot ceil floor ' +
      'round trunc fabs fmod fmin fmax fma frexp ldexp modf nan isnan isinf isfinite signbit copysign lround llround ' +
      'sinf cosf sqrtf powf fabsf floorf ceilf roundf HUGE_VAL INFINITY NAN M_PI M_E',
  },
  'time.h': {
    std: 'c',
    names:
      'time clock difftime mktime strftime gmtime localtime asctime ctime time_t clock_t CLOCKS_PER_SEC timespec_get ' +
      'nanosleep clock_gettime clock_getres CLOCK_REALTIME CLOCK_MONOTONIC gmtime_r localtime_r tm',
  },
  'errno.h': { std: 'c', names: 'EINTR EAGAIN ENOENT EINVAL ENOMEM EACCES EEXIST EPERM EBADF ERANGE EDOM EWOULDBLOCK ETIMEDOUT' },
  'stdint.h': {
    std: 'c',
    names:
      'int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t intptr_t uintptr_t intmax_t uintmax_t ' +
      'int_least8_t int_fast32_t uint_least16_t uint_fast64_t INT8_MAX INT16_MAX INT32_MAX INT64_MAX UINT8_MAX UINT16_MAX ' +
      'UINT32_MAX UINT64_MAX INT32_MIN INT64_MIN SIZE_MAX INTPTR_MAX UINTPTR_MAX',
  },
  'inttypes.h': { std: 'c', names: 'PRId64 PRIu64 PRIx64 PRId32 PRIu32 strtoimax strtoumax imaxabs' },
  'stdbool.h': { std: 'c', names: 'bool true false' },
  'limits.h': { std: 'c', names: 'INT_MAX INT_MIN UINT_MAX LONG_MAX LONG_MIN ULONG_MAX CHAR_BIT CHAR_MAX SHRT_MAX LLONG_MAX PATH_MAX' },
  'float.h': { std: 'c', names: 'FLT_MAX DBL_MAX FLT_EPSILON DBL_EPSILON FLT_MIN DBL_MIN' },
  'ctype.h': { std: 'c', names: 'isalpha isdigit isalnum isspace isupper islower isprint ispunct isxdigit iscntrl toupper tolower' },
  'assert.h': { std: 'c', names: 'assert static_assert' },
  'signal.h': {
    std: 'c',
    names:
      'signal raise kill sigaction sigemptyset sigfillset sigaddset sigdelset sigprocmask SIGINT SIGTERM SIGKILL SIGSEGV SIGPIPE SIGHUP SIGUSR1 SIGUSR2 SIGCHLD SIGALRM sig_atomic_t sigset_t SIG_IGN SIG_DFL',
  },
  'setjmp.h': { std: 'c', names: 'setjmp longjmp jmp_buf' },
  'stdarg.h': { std: 'c', names: 'va_list va_start va_end va_arg va_copy' },
  'locale.h': { std: 'c', names: 'setlocale localeconv LC_ALL LC_CTYPE' },
  'wchar.h': { std: 'c', names: 'wchar_t wcslen wcscpy wcscmp wprintf fwprintf mbrtowc wcrtomb' },
  'unistd.h': {
    std: 'posix',
    names:
      'read write close lseek pipe dup dup2 fork execv execve execvp getpid getppid getuid geteuid getgid sleep usleep ' +
      'access unlink rmdir chdir getcwd isatty sysconf gethostname ftruncate fsync _exit ssize_t STDIN_FILENO ' +
      'STDOUT_FILENO STDERR_FILENO R_OK W_OK X_OK F_OK getopt optarg',
  },
  'pthread.h': {
    std: 'posix',
    names:
      'pthread_create pthread_join pthread_detach pthread_self pthread_exit pthread_mutex_init pthread_mutex_lock ' +
      'pthread_mutex_unlock pthread_mutex_destroy pthread_cond_init pthread_cond_wait pthread_cond_signal ' +
      'pthread_cond_broadcast pthread_t pthread_mutex_t pthread_cond_t pthread_attr_t pthread_key_create ' +
      'pthread_setspecific pthread_getspecific pthread_once PTHREAD_MUTEX_INITIALIZER',
  },
  'dlfcn.h': { std: 'posix', names: 'dlopen dlsym dlclose dlerror RTLD_NOW RTLD_LAZY RTLD_GLOBAL RTLD_LOCAL' },
  'fcntl.h': { std: 'posix', names: 'open openat creat fcntl O_RDONLY O_WRONLY O_RDWR O_CREAT O_TRUNC O_APPEND O_NONBLOCK O_CLOEXEC F_GETFL F_SETFL' },
  'sys/stat.h': { std: 'posix', names: 'stat fstat lstat mkdir chmod fchmod umask S_ISDIR S_ISREG S_IRUSR S_IWUSR mode_t' },
  'sys/types.h': { std: 'posix', names: 'pid_t uid_t gid_t off_t ino_t dev_t' },
  'sys/mman.h': { std: 'posix', names: 'mmap munmap mprotect msync PROT_READ PROT_WRITE MAP_SHARED MAP_PRIVATE MAP_ANONYMOUS MAP_FAILED' },
  'sys/socket.h': {
    std: 'posix',
    names:
      'socket bind listen accept connect send recv sendto recvfrom setsockopt getsockopt shutdown AF_INET AF_INET6 AF_UNIX SOCK_STREAM SOCK_DGRAM sockaddr socklen_t',
  },
  'sys/time.h': { std: 'posix', names: 'gettimeofday timeval' },
  'sys/wait.h': { std: 'posix', names: 'wait waitpid WIFEXITED WEXITSTATUS' },
  'sys/ioctl.h': { std: 'posix', names: 'ioctl' },
  'netinet/in.h': { std: 'posix', names: 'sockaddr_in sockaddr_in6 htons htonl ntohs ntohl INADDR_ANY IPPROTO_TCP' },
  'arpa/inet.h': { std: 'posix', names: 'inet_pton inet_ntop inet_addr' },
  'netdb.h': { std: 'posix', names: 'getaddrinfo freeaddrinfo gai_strerror gethostbyname addrinfo' },
  'dirent.h': { std: 'posix', names: 'opendir readdir closedir DIR dirent' },
  'poll.h': { std: 'posix', names: 'poll pollfd POLLIN POLLOUT' },
  'semaphore.h': { std: 'posix', names: 'sem_init sem_wait sem_post sem_destroy sem_t' },
  'syslog.h': { std: 'posix', names: 'syslog openlog closelog LOG_ERR LOG_INFO' },
  'windows.h': {
    std: 'windows',
    names:
      'MessageBoxA MessageBoxW GetLastError SetLastError CreateFileA CreateFileW ReadFile WriteFile CloseHandle ' +
      'GetModuleHandleA GetModuleHandleW GetProcAddress LoadLibraryA LoadLibraryW FreeLibrary Sleep GetTickCount ' +
      'GetTickCount64 QueryPerformanceCounter QueryPerformanceFrequency CreateThread WaitForSingleObject ' +
      'WaitForMultipleObjects CreateEventA CreateEventW SetEvent ResetEvent CreateMutexA CreateMutexW ReleaseMutex ' +
      'VirtualAlloc VirtualFree HeapAlloc HeapFree GetProcessHeap GetCurrentProcessId GetCurrentThreadId ' +
      'GetCurrentProcess ExitProcess FormatMessageA FormatMessageW MultiByteToWideChar WideCharToMultiByte ' +
      'GetEnvironmentVariableA GetEnvironmentVariableW GetSystemInfo GetVersionExA OutputDebugStringA ' +
      'OutputDebugStringW FindWindowA FindWindowW ShowWindow GetWindowTextA SendMessageA SendMessageW PostMessageA ' +
      'RegOpenKeyExA RegOpenKeyExW RegQueryValueExA RegCloseKey DWORD WORD BYTE BOOL HANDLE HWND HMODULE HINSTANCE ' +
      'LPCSTR LPCWSTR LPSTR LPWSTR LPVOID WCHAR TRUE FALSE INVALID_HANDLE_VALUE MB_OK MAX_PATH INFINITE ' +
      'GENERIC_READ GENERIC_WRITE OPEN_EXISTING CREATE_ALWAYS FILE_ATTRIBUTE_NORMAL CRITICAL_SECTION ' +
      'InitializeCriticalSection EnterCriticalSection LeaveCriticalSection DeleteCriticalSection',
  },
  'winsock2.h': { std: 'windows', names: 'WSAStartup WSACleanup WSAGetLastError closesocket SOCKET INVALID_SOCKET WSADATA' },
  'shlobj.h': { std: 'windows', names: 'SHGetFolderPathA SHGetFolderPathW SHGetKnownFolderPath' },
  'io.h': { std: 'windows', names: '_open _close _read _write _access' },
};

const SYMBOLS = new Map<string, HeaderInfo>();
for (const [header, { std, names }] of Object.entries(BY_HEADER)) {
  for (const n of names.split(/\s+/)) if (n && !SYMBOLS.has(n)) SYMBOLS.set(n, { header, std });
}

/** The header that declares a well-known C symbol, or null. */
export function headerForSymbol(name: string): HeaderInfo | null {
  return SYMBOLS.get(name) ?? null;
}

/** Every symbol in the table (for near-miss suggestions and tests). */
export function knownSymbols(): string[] {
  return [...SYMBOLS.keys()];
}

/** C++ standard library headers (no `.h`), plus the C++ forms of C headers (`cstdio`…). */
export const CXX_HEADERS = new Set(
  (
    'iostream istream ostream sstream fstream iomanip string string_view vector map unordered_map set unordered_set ' +
    'list deque queue stack array memory algorithm functional utility tuple optional variant any thread mutex ' +
    'condition_variable atomic chrono future exception stdexcept typeinfo type_traits limits numeric iterator ' +
    'regex random bitset complex valarray filesystem span ranges format new cstdio cstdlib cstring cmath ctime ' +
    'cstdint cstddef cassert cctype climits cerrno csignal cstdarg cwchar'
  ).split(' '),
);

/** Whether a missing header is the C standard library (libc development files not installed). */
export const LIBC_HEADERS = new Set(
  'stdio.h stdlib.h string.h stddef.h stdint.h errno.h math.h time.h signal.h limits.h ctype.h assert.h stdarg.h unistd.h pthread.h fcntl.h'.split(' '),
);

/** Headers whose pkg-config module / package is well known (for install hints on a missing header). */
export const HEADER_PACKAGES: Record<string, string> = {
  'sqlite3.h': 'sqlite3',
  'zlib.h': 'zlib',
  'openssl/ssl.h': 'openssl',
  'openssl/evp.h': 'openssl',
  'openssl/crypto.h': 'openssl',
  'curl/curl.h': 'libcurl',
  'png.h': 'libpng',
  'jpeglib.h': 'libjpeg',
  'gtk/gtk.h': 'gtk+-3.0',
  'glib.h': 'glib-2.0',
  'X11/Xlib.h': 'x11',
  'GL/gl.h': 'gl',
  'SDL2/SDL.h': 'sdl2',
  'SDL.h': 'sdl2',
  'libusb-1.0/libusb.h': 'libusb-1.0',
  'libusb.h': 'libusb-1.0',
  'ffi.h': 'libffi',
  'pcap.h': 'libpcap',
  'pcap/pcap.h': 'libpcap',
  'alsa/asoundlib.h': 'alsa',
  'portaudio.h': 'portaudio-2.0',
  'czmq.h': 'libczmq',
  'zmq.h': 'libzmq',
  'lua.h': 'lua',
  'libxml/parser.h': 'libxml-2.0',
  'yaml.h': 'yaml-0.1',
  'systemd/sd-journal.h': 'libsystemd',
  'libudev.h': 'libudev',
  'gpgme.h': 'gpgme',
  'webkit2/webkit2.h': 'webkit2gtk-4.1',
};
