/// A bad command line: unknown option, missing or malformed value. greenbench prints it
/// on one line and exits with status 2.
struct UsageError: Error, CustomStringConvertible {
    /// What was wrong, naming the valid choices where there are some.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
