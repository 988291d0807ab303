from saferplan.cli.main import run

run()
