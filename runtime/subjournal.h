/* subjournal.h - the VFS every libassoc connection opens with (internal to
 * libassoc: not installed, not part of the API).
 *
 * It is the VFS the connection would have used otherwise -- the default
 * when the connection opens -- with one difference: a savepoint's
 * sub-journal is kept in memory for the transaction.  Why, and what it
 * costs: subjournal.c.
 */
#ifndef ASSOC_SUBJOURNAL_H
#define ASSOC_SUBJOURNAL_H

#include <sqlite3.h>

#include <stdbool.h>

/* The wrapper of the current default VFS, registered with SQLite (not as
 * the default) on first use and kept for the life of the process; the
 * default itself once eight VFSes are wrapped.  Allocates nothing.
 * OUT: *out, NULL on failure.  Returns SQLITE_OK, or SQLITE_ERROR when
 * there is no default VFS (or SQLite's own failure to initialise). */
int assoc__vfs_get(sqlite3_vfs **out);

/* Whether v is one of these wrappers (what SQLITE_FCNTL_VFS_POINTER reports
 * for a connection that opened through one). */
bool assoc__vfs_is_ours(const sqlite3_vfs *v);

#endif
