UPDATE users SET name = 'Name 1234' WHERE id = 3;
