/* The contract between the plugin example and its plugins: a plugin is a
 * shared library exporting plugin_init, which the host calls once with a
 * function the plugin uses to register itself.  Returns 0 on success. */
#ifndef UVCORE_EXAMPLE_PLUGIN_H
#define UVCORE_EXAMPLE_PLUGIN_H

typedef int (*plugin_register_fn)(const char* name, const char* version);
typedef int (*plugin_init_fn)(plugin_register_fn register_plugin);

#define PLUGIN_INIT_SYMBOL "plugin_init"

#endif
