import Dispatch
import Foundation
import GreenNN

/// SIGINT and SIGTERM turned into a request to stop at the next batch: the first signal is
/// remembered (the trainer polls `received` through `Trainer.shouldStop`, saves a checkpoint and
/// throws `TrainingError.interrupted`), so a long run is never killed mid-save.
final class StopRequest: @unchecked Sendable {
    /// The process's one request.
    static let shared = StopRequest()

    private let lock = NSLock()
    private var signalNumber: Int32?
    private var sources: [any DispatchSourceSignal] = []

    /// Stops SIGINT and SIGTERM from killing the process and records them instead.
    func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in
                    lock.withLock { signalNumber = signalNumber ?? number }
                    Console.progress(
                        "greenbench: signal \(number) received; stopping at the next batch and saving a checkpoint")
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// The first signal received, nil while none has been.
    var received: Int32? { lock.withLock { signalNumber } }
}

/// A run stopped by SIGINT or SIGTERM after saving its checkpoint: greenbench exits with
/// 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as a shell reports a killed job.
struct Interrupted: Error, CustomStringConvertible {
    let signal: Int32
    let description: String

    /// Wraps `error` (the trainer's `TrainingError.interrupted`) with the hint to resume.
    init(_ error: TrainingError, resume: String) {
        signal = StopRequest.shared.received ?? SIGINT
        description = "\(error); continue with --resume \(resume)"
    }
}
