/* fill9.c DATABASE - make DATABASE with base9.def's create_all (twice: the
 * second checks the tables the first made) and fill it through base9.def's
 * generated API with the rows of expect9.h.  Exit status 0, else 1 with the
 * reason on stderr. */
#include <stdio.h>
#include <string.h>

#include "base9.h"
#include "expect9.h"

#define TRY(call)                                                                       \
    do {                                                                                \
        int rc_ = (call);                                                               \
        if (rc_ != ASSOC_OK) {                                                          \
            fprintf(stderr, "fill9: %s: %d %s\n", #call, rc_, assoc_errmsg(db));        \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

static int fill(assoc_db *db)
{
    Project projects[NPROJECTS];
    for (int p = 1; p <= NPROJECTS; p++) {
        char name[64], settings[128];
        Project *r = &projects[p - 1];
        *r = (Project)PROJECT_INIT;
        project_name_of(p, name, sizeof name);
        r->name = name;
        if (has_settings(p)) {
            settings_of(p, settings, sizeof settings);
            r->settings = settings;
        }
        TRY(project_insert(db, r));
        r->name = NULL;
        r->settings = NULL;
    }
    for (int t = 1; t <= NTASKS; t++) {
        char title[64], labels[64], meta[64], notes[64];
        Task r = TASK_INIT;
        title_of(t, title, sizeof title);
        r.title = title;
        r.status = (TaskStatus)status_set(t);
        r.has_status = status_set(t) != 0;
        r.kind = (char *)kind_of(t);
        if (has_labels(t)) {
            labels_of(t, labels, sizeof labels);
            r.labels = labels;
        }
        if (has_meta(t)) {
            meta_of(t, meta, sizeof meta);
            r.meta = meta;
        }
        if (has_notes(t)) {
            notes_of(t, notes, sizeof notes);
            r.notes = notes;
        }
        r.estimate = estimate_of(t);
        r.has_estimate = has_estimate(t);
        r.parent_id = parent_of(t);
        r.has_parent_id = has_parent(t);
        TRY(project_tasks_add(db, &projects[project_of(t) - 1], &r));
        if (r.id != t) {
            fprintf(stderr, "fill9: task %d got the id %lld\n", t, (long long)r.id);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    assoc_db *db = NULL;
    if (argc != 2 || assoc_open(argv[1], &db) != ASSOC_OK) {
        fprintf(stderr, "usage: fill9 DATABASE (a file assoc_open can open)\n");
        return 1;
    }
    for (int k = 0; k < 2; k++) {
        int rc = base9_create_all(db);
        if (rc != ASSOC_OK) {
            fprintf(stderr, "fill9: base9_create_all (%s time): %s\n", k ? "second" : "first", assoc_errmsg(db));
            assoc_close(db);
            return 1;
        }
    }
    int rc = assoc_begin(db) == ASSOC_OK && fill(db) == 0 && assoc_commit(db) == ASSOC_OK ? 0 : 1;
    assoc_close(db);
    return rc;
}
