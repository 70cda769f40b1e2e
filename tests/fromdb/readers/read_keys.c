/* read_keys.c - sql/keys.sql's database read through the code generated
 * from `assocgen --from-db keys.db`: the composite key, the self-referential
 * keys both ways, two keys to one table, the one-to-one, the association
 * tables (compare with hand_dump.py keys). */
#include <string.h>

#include "keys.h"
#include "dump.h"

/* "  label: 1 2 3" for a list of rows whose key prints with fmt. */
#define IDS(label, List, INIT, call, key_fmt, key, list_free)                                 \
    do {                                                                                      \
        List l_ = INIT;                                                                       \
        CHECK(call);                                                                          \
        printf("  %s:", label);                                                               \
        for (size_t k_ = 0; k_ < l_.len; k_++)                                                \
            printf(" " key_fmt, key(l_.items[k_]));                                           \
        printf("\n");                                                                         \
        list_free(&l_);                                                                       \
    } while (0)
#define ID(r) (r).id
#define CODE(r) (r).code

static void enrollments(const EnrollmentList *l)
{
    printf("  enrollments:");
    for (size_t k = 0; k < l->len; k++)
        printf(" %" PRId64 ",%s,%" PRId64, l->items[k].person_id, l->items[k].course_code, l->items[k].term);
    printf("\n");
}

int main(int argc, char **argv)
{
    /* notes.missing_id refers to a table that does not exist: --from-db
     * leaves that key out (it can name no model), and a write of a value
     * there would fail, so create_all and verify say so.  (A composite
     * key, grade_appeals', is an extra constraint, allowed.) */
    OPEN_REFUSED(argc, argv, keys_create_all, keys_verify,
                 "table notes, column missing_id: the database has a foreign key to nowhere (id)");
    bool found;

    PersonList people = PERSON_LIST_INIT;
    CHECK(person_all(db, &people));
    for (size_t i = 0; i < people.len; i++) {
        const Person *p = &people.items[i];
        printf("person %" PRId64, p->id);
        p_text("name", p->name);
        p_int("manager_id", p->manager_id, p->has_manager_id);
        printf("\n");
        IDS("people", PersonList, PERSON_LIST_INIT, person_people(db, p, &l_), "%" PRId64, ID, person_list_free);
        Person m = PERSON_INIT;
        TO_ONE(person_manager(db, p, &m), found);
        if (found)
            printf("  manager: %" PRId64 "\n", m.id);
        else
            printf("  manager: none\n");
        person_free(&m);
        IDS("courses", CourseList, COURSE_LIST_INIT, person_courses(db, p, &l_), "%s", CODE, course_list_free);
        IDS("followed_people", PersonList, PERSON_LIST_INIT, person_followed_people(db, p, &l_), "%" PRId64, ID,
            person_list_free);
        IDS("follower_people", PersonList, PERSON_LIST_INIT, person_follower_people(db, p, &l_), "%" PRId64, ID,
            person_list_free);
        Profile pr = PROFILE_INIT;
        TO_ONE(person_profile(db, p, &pr), found);
        if (found)
            printf("  profile: %" PRId64 "\n", pr.person_id);
        else
            printf("  profile: none\n");
        profile_free(&pr);
        IDS("sender_messages", MessageList, MESSAGE_LIST_INIT, person_sender_messages(db, p, &l_), "%" PRId64, ID,
            message_list_free);
        IDS("recipient_messages", MessageList, MESSAGE_LIST_INIT, person_recipient_messages(db, p, &l_),
            "%" PRId64, ID, message_list_free);
        EnrollmentList el = ENROLLMENT_LIST_INIT;
        CHECK(person_enrollments(db, p, &el));
        enrollments(&el);
        enrollment_list_free(&el);
        IDS("notes", NoteList, NOTE_LIST_INIT, person_notes(db, p, &l_), "%" PRId64, ID, note_list_free);
    }
    person_list_free(&people);

    ProfileList profiles = PROFILE_LIST_INIT;
    CHECK(profile_all(db, &profiles));
    for (size_t i = 0; i < profiles.len; i++) {
        const Profile *p = &profiles.items[i];
        printf("profile %" PRId64, p->person_id);
        p_text("bio", p->bio);
        Person owner = PERSON_INIT;
        CHECK(profile_person(db, p, &owner));
        printf("\n  person: %" PRId64 "\n", owner.id);
        person_free(&owner);
    }
    profile_list_free(&profiles);

    MessageList messages = MESSAGE_LIST_INIT;
    CHECK(message_all(db, &messages));
    for (size_t i = 0; i < messages.len; i++) {
        const Message *m = &messages.items[i];
        printf("message %" PRId64, m->id);
        p_int("sender_id", m->sender_id, true);
        p_int("recipient_id", m->recipient_id, m->has_recipient_id);
        p_text("body", m->body);
        Person s = PERSON_INIT, r = PERSON_INIT;
        CHECK(message_sender(db, m, &s));
        printf("\n  sender: %" PRId64, s.id);
        TO_ONE(message_recipient(db, m, &r), found);
        if (found)
            printf(" recipient: %" PRId64 "\n", r.id);
        else
            printf(" recipient: none\n");
        person_free(&s);
        person_free(&r);
    }
    message_list_free(&messages);

    CategoryList cats = CATEGORY_LIST_INIT;
    CHECK(category_all(db, &cats));
    for (size_t i = 0; i < cats.len; i++) {
        const Category *c = &cats.items[i];
        printf("category %" PRId64, c->id);
        p_text("title", c->title);
        p_int("parent_id", c->parent_id, c->has_parent_id);
        printf("\n");
        IDS("categories", CategoryList, CATEGORY_LIST_INIT, category_categories(db, c, &l_), "%" PRId64, ID,
            category_list_free);
        Category parent = CATEGORY_INIT;
        TO_ONE(category_parent(db, c, &parent), found);
        if (found)
            printf("  parent: %" PRId64 "\n", parent.id);
        else
            printf("  parent: none\n");
        category_free(&parent);
        IDS("courses", CourseList, COURSE_LIST_INIT, category_courses(db, c, &l_), "%s", CODE, course_list_free);
    }
    /* The unique title: a look-up by it finds the same row. */
    for (size_t i = 0; i < cats.len; i++) {
        Category same = CATEGORY_INIT;
        CHECK(category_get_by_title(db, cats.items[i].title, &same));
        if (same.id != cats.items[i].id) {
            fprintf(stderr, "category_get_by_title(%s) found %" PRId64 "\n", cats.items[i].title, same.id);
            return 1;
        }
        category_free(&same);
    }
    category_list_free(&cats);

    CourseList courses = COURSE_LIST_INIT;
    CHECK(course_all(db, &courses));
    for (size_t i = 0; i < courses.len; i++) {
        const Course *c = &courses.items[i];
        printf("course %s", c->code);
        p_text("title", c->title);
        printf("\n");
        IDS("categories", CategoryList, CATEGORY_LIST_INIT, course_categories(db, c, &l_), "%" PRId64, ID,
            category_list_free);
        IDS("people", PersonList, PERSON_LIST_INIT, course_people(db, c, &l_), "%" PRId64, ID, person_list_free);
        EnrollmentList el = ENROLLMENT_LIST_INIT;
        CHECK(course_enrollments(db, c, &el));
        enrollments(&el);
        enrollment_list_free(&el);
    }
    course_list_free(&courses);

    EnrollmentList all = ENROLLMENT_LIST_INIT;
    CHECK(enrollment_all(db, &all));
    for (size_t i = 0; i < all.len; i++) {
        const Enrollment *e = &all.items[i];
        printf("enrollment %" PRId64 ",%s,%" PRId64, e->person_id, e->course_code, e->term);
        p_real("grade", e->grade, e->has_grade);
        Person p = PERSON_INIT;
        Course c = COURSE_INIT;
        CHECK(enrollment_person(db, e, &p));
        CHECK(enrollment_course(db, e, &c));
        printf("\n  person: %" PRId64 " course: %s\n", p.id, c.code);
        /* The composite key finds the row again. */
        Enrollment again = ENROLLMENT_INIT;
        CHECK(enrollment_get(db, e->person_id, e->course_code, e->term, &again));
        if (strcmp(again.course_code, e->course_code) != 0)
            return 1;
        enrollment_free(&again);
        person_free(&p);
        course_free(&c);
    }
    enrollment_list_free(&all);

    GradeAppealList appeals = GRADE_APPEAL_LIST_INIT;
    CHECK(grade_appeal_all(db, &appeals));
    for (size_t i = 0; i < appeals.len; i++) {
        const GradeAppeal *a = &appeals.items[i];
        printf("grade_appeal %" PRId64, a->id);
        p_int("person_id", a->person_id, a->has_person_id);
        p_text("course_code", a->course_code);
        p_int("term", a->term, a->has_term);
        p_text("reason", a->reason);
        printf("\n");
    }
    grade_appeal_list_free(&appeals);

    NoteList notes = NOTE_LIST_INIT;
    CHECK(note_all(db, &notes));
    for (size_t i = 0; i < notes.len; i++) {
        const Note *n = &notes.items[i];
        printf("note %" PRId64, n->id);
        p_int("missing_id", n->missing_id, n->has_missing_id);
        p_text("name_ref", n->name_ref);
        p_int("person_id", n->person_id, n->has_person_id);
        Person p = PERSON_INIT;
        TO_ONE(note_person(db, n, &p), found);
        if (found)
            printf("\n  person: %" PRId64 "\n", p.id);
        else
            printf("\n  person: none\n");
        person_free(&p);
    }
    note_list_free(&notes);
    assoc_close(db);
    return 0;
}
