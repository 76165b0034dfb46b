import RASPCommand
import RASPTestSupport

/// Runs the command line in-process from the repository root and returns its status and output.
func rasp(_ args: String..., stdin: String = "") -> (status: Int32, stdout: String, stderr: String) {
    rasp(args, stdin: stdin)
}

func rasp(_ args: [String], stdin: String = "") -> (status: Int32, stdout: String, stderr: String) {
    let captured = CapturedConsole(stdin: stdin, workingDirectory: Repository.root)
    let status = RASPCommandLine.execute(args, console: captured.console)
    return (status, captured.stdout, captured.stderr)
}

/// Runs the command line in-process from `directory`, optionally with a stdout that fails as a full disk.
func rasp(in directory: String, _ args: [String], stdin: String = "", outputFails: Bool = false) -> (status: Int32, stdout: String, stderr: String) {
    let captured = CapturedConsole(stdin: stdin, workingDirectory: directory)
    captured.outputFails = outputFails
    let status = RASPCommandLine.execute(args, console: captured.console)
    return (status, captured.stdout, captured.stderr)
}
