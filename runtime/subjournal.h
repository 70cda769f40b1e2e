/* subjournal.h - the VFS every libassoc connection opens with (internal to
 * libassoc: not installed, not part of the API).
 *
 * It is the VFS the connection would have used otherwise -- the default
 * when the connection opens, captured then -- with one difference: a
 * savepoint's sub-journal is a buffer in memory that keeps its allocation
 * when SQLite truncates it.  Why, and what it costs: subjournal.c.
 */
#ifndef ASSOC_SUBJOURNAL_H
#define ASSOC_SUBJOURNAL_H

#include <sqlite3.h>

typedef struct assoc__vfs assoc__vfs;

/* Wrap the current default VFS and register the wrapper under a name of
 * its own (not as the default).  OUT: *out, NULL on failure.  Returns
 * SQLITE_OK, SQLITE_NOMEM, or SQLITE_ERROR when there is no default VFS. */
int assoc__vfs_create(assoc__vfs **out);

/* The name to pass to sqlite3_open_v2(), and the VFS itself (what
 * SQLITE_FCNTL_VFS_POINTER reports for a connection that uses it). */
const char *assoc__vfs_name(const assoc__vfs *v);
const sqlite3_vfs *assoc__vfs_base(const assoc__vfs *v);

/* Unregister and free.  Only once no connection uses it; NULL is a no-op. */
void assoc__vfs_destroy(assoc__vfs *v);

#endif
