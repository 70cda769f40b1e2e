-- keys.sql: primary and foreign keys as hand-written DDL has them.
-- Composite primary key, self-referential keys, two keys to one table,
-- one-to-one, ON DELETE actions, association tables (plain, with an
-- integer key, self-referential) and keys the language cannot hold.

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    manager_id INTEGER REFERENCES people(id) ON DELETE SET NULL
);

-- a one-to-one: the key is the whole primary key
CREATE TABLE profiles (
    person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    bio TEXT
);

-- two keys to one table
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    recipient_id INTEGER REFERENCES people(id) ON DELETE RESTRICT,
    body TEXT
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    title VARCHAR(80) NOT NULL UNIQUE,
    parent_id INTEGER,
    FOREIGN KEY (parent_id) REFERENCES categories ON DELETE CASCADE
);

CREATE TABLE courses (
    code CHAR(6) PRIMARY KEY,
    title TEXT
);

-- composite primary key, and keys to a text key
CREATE TABLE enrollments (
    person_id INTEGER NOT NULL REFERENCES people(id),
    course_code CHAR(6) NOT NULL REFERENCES courses(code) ON DELETE CASCADE,
    term INTEGER NOT NULL,
    grade REAL,
    PRIMARY KEY (person_id, course_code, term)
);

-- a composite foreign key, to a composite key
CREATE TABLE grade_appeals (
    id INTEGER PRIMARY KEY,
    person_id INTEGER,
    course_code CHAR(6),
    term INTEGER,
    reason TEXT,
    FOREIGN KEY (person_id, course_code, term) REFERENCES enrollments(person_id, course_code, term)
);

-- association tables: plain, with an integer key (Django's shape), self-referential
CREATE TABLE course_categories (
    course_code CHAR(6) NOT NULL REFERENCES courses(code),
    category_id INTEGER NOT NULL REFERENCES categories(id),
    PRIMARY KEY (course_code, category_id)
);
CREATE TABLE people_courses_liked (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES people(id) DEFERRABLE INITIALLY DEFERRED,
    course_id CHAR(6) NOT NULL REFERENCES courses(code) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (person_id, course_id)
);
CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES people(id),
    followed_id INTEGER NOT NULL REFERENCES people(id)
);

-- keys the language cannot hold
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    missing_id INTEGER REFERENCES nowhere(id),
    name_ref TEXT REFERENCES people(name),
    person_id INTEGER REFERENCES people(id) ON UPDATE CASCADE
);

INSERT INTO people VALUES (1, 'Ada', NULL), (2, 'Brian', 1), (3, 'Cleo', 1), (4, 'Dov', 2);
INSERT INTO profiles VALUES (1, 'first programmer'), (3, NULL);
INSERT INTO messages VALUES (1, 1, 2, 'hello'), (2, 2, 1, 'hi'), (3, 1, 3, NULL), (4, 4, NULL, 'to all');
INSERT INTO categories VALUES (1, 'science', NULL), (2, 'maths', 1), (3, 'algebra', 2), (4, 'arts', NULL);
INSERT INTO courses VALUES ('MTH101', 'Calculus'), ('ART200', 'Drawing'), ('CS101', 'Programming');
INSERT INTO enrollments VALUES (1, 'MTH101', 2023, 3.5), (1, 'CS101', 2023, 4.0), (2, 'MTH101', 2024, NULL), (1, 'MTH101', 2024, 2.0);
INSERT INTO grade_appeals VALUES (1, 1, 'MTH101', 2024, 'unfair');
INSERT INTO course_categories VALUES ('MTH101', 2), ('MTH101', 3), ('ART200', 4), ('CS101', 1);
INSERT INTO people_courses_liked (person_id, course_id) VALUES (1, 'MTH101'), (1, 'ART200'), (3, 'ART200');
INSERT INTO follows VALUES (2, 1), (3, 1), (1, 4), (2, 3);
INSERT INTO notes VALUES (1, 7, 'Ada', 2), (2, NULL, NULL, NULL);
