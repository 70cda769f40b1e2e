UPDATE tasks SET "Task Title" = 'a title of twenty-six chars' WHERE id = 3;
