UPDATE tasks SET kind = 'chore' WHERE id = 2;
