SELECT athlete FROM athletes ORDER BY athlete
