/* plugin: loads shared libraries at run time with uv_dlopen.
 *
 *   plugin LIBRARY...
 *
 * Each library is opened, its plugin_init symbol looked up with uv_dlsym
 * and called with a registration function (see plugin.h); the plugin
 * calls back with its name.  uv_dlopen and uv_dlsym return -1 on failure
 * (not a UV_E* code) and uv_dlerror says why, e.g. the dynamic linker's
 * message for a missing file or symbol.  A library that fails is
 * reported and skipped; the exit status is then 1.
 */
#include "common.h"
#include "plugin.h"

#include <stdio.h>

static int registered;

static int register_plugin(const char* name, const char* version) {
  if (name == NULL || version == NULL)
    return UV_EINVAL;
  printf("registered plugin \"%s\", version %s\n", name, version);
  registered++;
  return 0;
}

static int load(const char* path) {
  uv_lib_t lib;
  void* sym;
  int r;

  if (uv_dlopen(path, &lib) != 0) {
    fprintf(stderr, "plugin: cannot load %s: %s\n", path, uv_dlerror(&lib));
    uv_dlclose(&lib);  /* frees the error message */
    return 1;
  }
  if (uv_dlsym(&lib, PLUGIN_INIT_SYMBOL, &sym) != 0) {
    fprintf(stderr, "plugin: %s is no plugin: %s\n", path, uv_dlerror(&lib));
    uv_dlclose(&lib);
    return 1;
  }
  /* Converting an object pointer to a function pointer is what dlsym
   * users must do; POSIX guarantees it works. */
  r = ((plugin_init_fn) (uintptr_t) sym)(register_plugin);
  if (r != 0) {
    report(r, path);
    uv_dlclose(&lib);
    return 1;
  }
  /* A plugin's code must stay loaded while anything it registered may
   * be called; this host calls nothing more, so it can unload now. */
  uv_dlclose(&lib);
  return 0;
}

int main(int argc, char** argv) {
  int i, failures = 0;

  set_program_name(argv[0]);
  if (argc < 2) {
    fprintf(stderr, "usage: plugin LIBRARY...\n");
    return 2;
  }
  for (i = 1; i < argc; i++)
    failures += load(argv[i]);
  printf("%d plugins registered\n", registered);
  return failures == 0 ? 0 : 1;
}
