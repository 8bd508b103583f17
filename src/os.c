/* uvcore — releasing what the system-information calls handed out
 * (uv_os_free_environ, uv_os_free_passwd, uv_os_free_group,
 * uv_free_cpu_info, uv_free_interface_addresses).  Every platform builds these results with the same
 * layout, so one set of free functions serves them all:
 * - environment: one allocation per item, name and value together, freed
 *   through the name, and the array;
 * - passwd and group entries: one block per entry, freed through its
 *   first member (username, or the members array);
 * - CPU info and interface addresses: one string (model, name) per entry,
 *   and the array.
 */
#include "internal.h"

void uv_os_free_environ(uv_env_item_t* envitems, int count) {
  int i;

  if (envitems == NULL)
    return;
  for (i = 0; i < count; i++)
    uv__free(envitems[i].name);
  uv__free(envitems);
}

void uv_os_free_passwd(uv_passwd_t* pwd) {
  if (pwd == NULL)
    return;
  uv__free(pwd->username);
  pwd->username = NULL;
  pwd->shell = NULL;
  pwd->homedir = NULL;
}

void uv_os_free_group(uv_group_t* grp) {
  if (grp == NULL)
    return;
  uv__free(grp->members);
  grp->members = NULL;
  grp->groupname = NULL;
}

void uv_free_cpu_info(uv_cpu_info_t* cpu_infos, int count) {
  int i;

  if (cpu_infos == NULL)
    return;
  for (i = 0; i < count; i++)
    uv__free((char*) cpu_infos[i].model);
  uv__free(cpu_infos);
}

void uv_free_interface_addresses(uv_interface_address_t* addresses,
                                 int count) {
  int i;

  if (addresses == NULL)
    return;
  for (i = 0; i < count; i++)
    uv__free(addresses[i].name);
  uv__free(addresses);
}
