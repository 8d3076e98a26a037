/** CPU time spent during one timed stretch: by this process, the fleet host, the brokers and the whole machine. */
import { cpuMs, machineCpu, processesCpuMs } from './measure.js';

/** A process whose CPU time a window reads as the host's: the fleet's, or the API's. */
export interface CpuSource {
  hostCpuMs(): Promise<number | undefined>;
}

export interface CpuFigures {
  readonly clientCpuMs: number;
  /** The host process (the API's, or the fleet's); undefined when it runs in this process or none was given. */
  readonly hostCpuMs: number | undefined;
  /** The RabbitMQ VMs together. */
  readonly brokerCpuMs: number | undefined;
  /** Share of the machine's CPU time that was busy during the stretch, and stolen by the hypervisor. */
  readonly machineBusy: number | undefined;
  readonly machineSteal: number | undefined;
}

/**
 * Reads every counter now and returns the function that reads them again and
 * gives the differences. This process's own counter is read last before and
 * first after, so the other readings cost it nothing.
 */
export async function startCpuWindow(
  brokerPids: readonly number[],
  host?: CpuSource,
): Promise<() => Promise<CpuFigures>> {
  const hostBefore = await host?.hostCpuMs();
  const brokersBefore = await processesCpuMs(brokerPids);
  const machineBefore = await machineCpu();
  const cpuBefore = cpuMs();
  return async () => {
    const clientCpuMs = cpuMs() - cpuBefore;
    const machineAfter = await machineCpu();
    const brokersAfter = await processesCpuMs(brokerPids);
    const hostAfter = await host?.hostCpuMs();
    const machineTotal =
      machineBefore && machineAfter ? machineAfter.total - machineBefore.total : 0;
    const share = (pick: (cpu: { busy: number; steal: number }) => number) =>
      machineBefore && machineAfter && machineTotal > 0
        ? (pick(machineAfter) - pick(machineBefore)) / machineTotal
        : undefined;
    return {
      clientCpuMs,
      hostCpuMs:
        hostBefore === undefined || hostAfter === undefined ? undefined : hostAfter - hostBefore,
      brokerCpuMs:
        brokersBefore === undefined || brokersAfter === undefined
          ? undefined
          : brokersAfter - brokersBefore,
      machineBusy: share((cpu) => cpu.busy),
      machineSteal: share((cpu) => cpu.steal),
    };
  };
}
