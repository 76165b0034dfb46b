import RASPCommand; RASPCommandLine.run(Array(CommandLine.arguments.dropFirst()))
