from gategenome.cli.main import main

main()
