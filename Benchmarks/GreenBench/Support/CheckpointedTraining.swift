import Foundation
import GreenEnergy
import GreenNN

/// How `train` and `compress` run a `Trainer`: a checkpoint in `directory` at the end of every
/// epoch and when SIGINT or SIGTERM arrives (`StopRequest`), and with `resume`, a start from the
/// checkpoint found there. The energy used before an interruption travels in the checkpoint's
/// metadata, so a resumed run reports the joules of the whole training, not of its last part.
enum CheckpointedTraining {
    /// Metadata keys holding the energy span measured so far.
    private static let keys = (joules: "joules", cpuSeconds: "cpuSeconds", wallSeconds: "wallSeconds")

    /// Fits `trainer` on `training`, checkpointing into `directory` and resuming from it when
    /// `resume` is set and a checkpoint is there.
    /// - Returns: the whole history (resumed epochs included) and the energy of the whole run.
    /// - Throws: `Interrupted` (with `resumeHint`, the folder to pass to `--resume`) when a
    ///   signal stopped the run after saving, `CheckpointError` for a checkpoint that cannot be
    ///   read or does not fit, or the trainer's errors.
    static func fit(
        _ trainer: Trainer, on training: ImageDataset, directory: URL, resume: Bool, resumeHint: String,
        meter: any EnergyMeter
    ) throws -> (history: [EpochRecord], energy: EnergyReport) {
        StopRequest.shared.install()
        let found = FileManager.default.fileExists(
            atPath: directory.appendingPathComponent(TrainingCheckpoint.fileName).path)
        let start = resume && found ? directory : nil
        let earlier = try start.map { try TrainingCheckpoint.read(from: $0).metadata } ?? [:]
        func earlierValue(_ key: String) -> Double { earlier[key].flatMap(Double.init) ?? 0 }
        var span = try meter.start()
        func soFar() -> EnergyReport? {
            try? meter.checkpoint(&span)
            return try? meter.stop(span)
        }
        trainer.energy = { soFar().map { earlierValue(keys.joules) + $0.joules } }
        trainer.checkpointDirectory = directory
        trainer.shouldStop = { StopRequest.shared.received != nil }
        trainer.checkpointMetadata = {
            guard let report = soFar() else { return [:] }
            return [
                keys.joules: "\(earlierValue(keys.joules) + report.joules)",
                keys.cpuSeconds: "\(earlierValue(keys.cpuSeconds) + report.cpuSeconds)",
                keys.wallSeconds: "\(earlierValue(keys.wallSeconds) + report.wallSeconds)",
            ]
        }
        let history: [EpochRecord]
        do {
            history = try trainer.fit(training, resumingFrom: start)
        } catch let error as TrainingError {
            if case .interrupted = error { throw Interrupted(error, resume: resumeHint) }
            throw error
        }
        let report = try meter.stop(span)
        let whole = EnergyReport(
            wallSeconds: earlierValue(keys.wallSeconds) + report.wallSeconds,
            cpuSeconds: earlierValue(keys.cpuSeconds) + report.cpuSeconds,
            joules: earlierValue(keys.joules) + report.joules, carbonIntensity: report.carbonIntensity,
            source: report.source)
        return (history, whole)
    }
}
