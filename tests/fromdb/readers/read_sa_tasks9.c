/* read_sa_tasks9.c - SPEC 9's columns as SQLAlchemy wrote them, read
 * through the code generated from `assocgen --from-db sa_tasks9.db`: JSON
 * columns as json, Enum columns (from an enum class and from strings) as
 * enum(...), "Task Title" and "Estimate (h)" by members with column(...),
 * and the adjacency list both ways: parent (remote_side = id) and its
 * backref.  Then, in the copy, the deletes sa_schemas.py makes through
 * SQLAlchemy's ORM, with the same outcome (compare with sa_schemas.py dump
 * tasks9). */
#include "sa_tasks9.h"
#include "dump.h"

static const char *const states[] = { "todo", "doing", "done" };
static const char *const priorities[] = { "low", "normal", "high" };

static void ids(const char *label, const TaskList *l)
{
    printf("  %s:", label);
    for (size_t k = 0; k < l->len; k++)
        printf(" %" PRId64, l->items[k].id);
    printf("\n");
}

static void remaining(const char *what)
{
    TaskList all = TASK_LIST_INIT;
    CHECK(task_all(db, &all));
    printf("after deleting %s:\n", what);
    for (size_t i = 0; i < all.len; i++) {
        printf("  task %" PRId64, all.items[i].id);
        p_int("project_id", all.items[i].ProjectRef, true);
        p_int("parent_id", all.items[i].parent_id, all.items[i].has_parent_id);
        printf("\n");
    }
    task_list_free(&all);
}

int main(int argc, char **argv)
{
    OPEN_AND_CREATE_ALL(argc, argv, sa_tasks9_create_all, sa_tasks9_verify);

    ProjectList projects = PROJECT_LIST_INIT;
    CHECK(project_all(db, &projects));
    for (size_t i = 0; i < projects.len; i++) {
        const Project *p = &projects.items[i];
        printf("project %" PRId64, p->id);
        p_text("name", p->ProjectName);
        p_text("settings", p->settings);
        printf("\n");
        TaskList tasks = TASK_LIST_INIT;
        CHECK(project_tasks(db, p, &tasks));
        ids("tasks", &tasks);
        task_list_free(&tasks);
    }
    project_list_free(&projects);

    TaskList tasks = TASK_LIST_INIT;
    CHECK(task_all(db, &tasks));
    for (size_t i = 0; i < tasks.len; i++) {
        const Task *t = &tasks.items[i];
        printf("task %" PRId64, t->id);
        p_int("project_id", t->ProjectRef, true);
        p_text("title", t->task_title);
        p_enum("state", (int)t->State, true, NAMES(states));
        p_enum("priority", (int)t->priority, t->has_priority, NAMES(priorities));
        p_text("labels", t->labels);
        p_int("estimate", t->estimate_h, t->has_estimate_h);
        p_int("parent_id", t->parent_id, t->has_parent_id);
        printf("\n");
        Task parent = TASK_INIT;
        bool found;
        TO_ONE(task_parent(db, t, &parent), found);
        if (found)
            printf("  parent: %" PRId64 "\n", parent.id);
        else
            printf("  parent: none\n");
        task_free(&parent);
        TaskList children = TASK_LIST_INIT;
        CHECK(task_tasks(db, t, &children));
        ids("children", &children);
        task_list_free(&children);
    }
    task_list_free(&tasks);

    if (open_copy(argc, argv)) {
        Task t = TASK_INIT;
        CHECK(task_get(db, 3, &t));
        CHECK(task_delete(db, &t));
        task_free(&t);
        remaining("task 3");
        Project p = PROJECT_INIT;
        CHECK(project_get(db, 1, &p));
        CHECK(project_delete(db, &p));
        project_free(&p);
        remaining("project 1");
        assoc_close(db);
    }
    return 0;
}
