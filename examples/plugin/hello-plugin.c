/* hello-plugin: the smallest plugin for the plugin example. */
#include "plugin.h"

#if defined(__GNUC__)
#define PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PLUGIN_EXPORT
#endif

PLUGIN_EXPORT int plugin_init(plugin_register_fn register_plugin);

int plugin_init(plugin_register_fn register_plugin) {
  return register_plugin("Hello World!", "1.0");
}
