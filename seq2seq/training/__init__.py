"""Training: the trainer loop, the task-to-checkpoint pipeline, background jobs, metrics, the zoo."""
