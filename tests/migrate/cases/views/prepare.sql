CREATE VIEW user_names AS SELECT id, name FROM users;
CREATE VIEW post_titles AS SELECT p.title, u.email FROM posts AS p JOIN users AS u ON u.id = p.author_id;
