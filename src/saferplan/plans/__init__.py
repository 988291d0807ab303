"""The strategy and delivery plan: priorities, objectives, actions, progress and RAG."""
