/// Runtime handle shared by the HTTP control route (`/emulator/faults`) and tests: which faults
/// are active right now. Every request reads it, so toggling takes effect on the next request.
public actor EmulatorControls {
    public private(set) var faults: FaultSettings

    public init(faults: FaultSettings = FaultSettings()) {
        self.faults = faults
    }

    public func setFaults(_ faults: FaultSettings) {
        self.faults = faults
    }
}
