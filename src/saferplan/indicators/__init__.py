"""The indicator registry: every figure saferplan computes, declared once (no Django here)."""
