/// Where a long command (`check`, `compare`) is: `[3/28] reverse` when a program starts, then
/// `[3/28] reverse: noisy seed 2` as it goes. On a terminal the line is rewritten in place; otherwise
/// only the first line of each program is written, so logs get one line per program.
struct Progress {
    let console: Console
    let command: String
    let total: Int
    private(set) var index = 0
    private(set) var program = ""

    init(console: Console, command: String, total: Int) {
        self.console = console
        self.command = command
        self.total = total
    }

    mutating func start(_ program: String) {
        index += 1
        self.program = program
        console.progress("\(command): [\(index)/\(total)] \(program)", permanent: true)
    }

    /// What the program is on now: shown on a terminal only.
    func step(_ what: String) {
        console.progress("\(command): [\(index)/\(total)] \(program): \(what)", permanent: false)
    }

    func finish() { console.clearProgress() }
}
