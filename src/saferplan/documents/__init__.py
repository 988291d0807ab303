"""The plans the law requires (Youth Justice Plan, Community Safety Plan, Knife Crime Action
Plan), built from templates declared as data, text people write and figures saferplan computes."""
