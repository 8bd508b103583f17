/* uvcore — the host's name and the system's identity on Windows
 * (uv_os_gethostname, uv_os_uname).
 *
 * Traps:
 * - GetVersionEx lies to programs without a compatibility manifest (it
 *   reports Windows 8); RtlGetVersion, found in ntdll at run time, does
 *   not.
 * - The marketing name ("Windows 10 Pro") exists only in the registry.
 * - A 32-bit process on 64-bit Windows sees its emulated processor in
 *   GetSystemInfo; GetNativeSystemInfo tells the machine's.
 * - The host name is GetComputerNameExW's DNS host name, which needs no
 *   Winsock (gethostname() would), and may hold non-ASCII characters.
 */
#include "os.h"

#include <stdio.h>
#include <string.h>

int uv_os_gethostname(char* buffer, size_t* size) {
  WCHAR name[UV_MAXHOSTNAMESIZE];
  DWORD n;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  n = UV__ARRAY_SIZE(name);
  if (!GetComputerNameExW(ComputerNameDnsHostname, name, &n))
    return uv_translate_sys_error((int) GetLastError());
  return uv__win_copy_out_wide(name, (int) n, buffer, size);
}

typedef LONG (NTAPI *uv__rtl_get_version_t)(OSVERSIONINFOW* info);

static int system_version(OSVERSIONINFOW* info) {
  uv__rtl_get_version_t get;
  HMODULE ntdll;
  FARPROC p;

  memset(info, 0, sizeof(*info));
  info->dwOSVersionInfoSize = sizeof(*info);
  ntdll = GetModuleHandleW(L"ntdll.dll");
  p = ntdll != NULL ? GetProcAddress(ntdll, "RtlGetVersion") : NULL;
  if (p == NULL)
    return UV_ENOSYS;
  get = (uv__rtl_get_version_t) (void (*)(void)) p;
  return get(info) < 0 ? UV_EIO : 0;
}

/* The product name from the registry into dst (UTF-8, cap bytes); empty
 * when it cannot be read. */
static void product_name(char* dst, size_t cap) {
  WCHAR name[256];
  DWORD bytes;
  size_t size;

  dst[0] = '\0';
  bytes = sizeof(name);
  if (RegGetValueW(HKEY_LOCAL_MACHINE,
                   L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                   L"ProductName", RRF_RT_REG_SZ, NULL, name,
                   &bytes) != ERROR_SUCCESS)
    return;
  size = cap;
  if (uv__win_copy_out_wide(name, -1, dst, &size) != 0)
    dst[0] = '\0';
}

static const char* machine_name(void) {
  SYSTEM_INFO si;

  GetNativeSystemInfo(&si);
  switch (si.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
      return "x86_64";
    case PROCESSOR_ARCHITECTURE_INTEL:
      return "i686";
    case PROCESSOR_ARCHITECTURE_ARM:
      return "arm";
#ifdef PROCESSOR_ARCHITECTURE_ARM64
    case PROCESSOR_ARCHITECTURE_ARM64:
      return "arm64";
#endif
    case PROCESSOR_ARCHITECTURE_IA64:
      return "ia64";
    default:
      return "unknown";
  }
}

int uv_os_uname(uv_utsname_t* buffer) {
  OSVERSIONINFOW info;
  size_t len;
  size_t size;
  int r;

  if (buffer == NULL)
    return UV_EINVAL;
  r = system_version(&info);
  if (r != 0) {
    /* Never leave the caller with stale or uninitialised strings. */
    buffer->sysname[0] = '\0';
    buffer->release[0] = '\0';
    buffer->version[0] = '\0';
    buffer->machine[0] = '\0';
    return r;
  }

  snprintf(buffer->sysname, sizeof(buffer->sysname), "Windows_NT");
  snprintf(buffer->release, sizeof(buffer->release), "%lu.%lu.%lu",
           (unsigned long) info.dwMajorVersion,
           (unsigned long) info.dwMinorVersion,
           (unsigned long) info.dwBuildNumber);

  /* "Windows 10 Pro", then the service pack if there is one. */
  product_name(buffer->version, sizeof(buffer->version));
  len = strlen(buffer->version);
  if (info.szCSDVersion[0] != L'\0' && len + 1 < sizeof(buffer->version)) {
    if (len > 0)
      buffer->version[len++] = ' ';
    size = sizeof(buffer->version) - len;
    if (uv__win_copy_out_wide(info.szCSDVersion, -1, buffer->version + len,
                              &size) != 0)
      buffer->version[len > 0 ? len - 1 : 0] = '\0';
  }

  snprintf(buffer->machine, sizeof(buffer->machine), "%s", machine_name());
  return 0;
}
