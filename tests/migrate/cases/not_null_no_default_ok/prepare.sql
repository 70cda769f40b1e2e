UPDATE users SET name = 'none' WHERE name IS NULL;
