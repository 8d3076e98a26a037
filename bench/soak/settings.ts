/** The soak's flags: `--minutes`, `--nemesis-every-s`, `--faults`, `--rate-share`. */
import { parseArgs } from 'node:util';
import { integerFlag } from '../support/integer-flag.js';
import { FAULT_KINDS, type FaultKind } from './nemesis.js';

export interface SoakSettings {
  readonly minutes: number;
  readonly nemesisEveryS: number;
  /** Applied in this order, round and round. */
  readonly faults: readonly FaultKind[];
  /** Share of the measured capacity the steady load runs at. */
  readonly rateShare: number;
  readonly capacitySeconds: number;
}

export function parseSoakSettings(argv: readonly string[]): SoakSettings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      minutes: { type: 'string' },
      'nemesis-every-s': { type: 'string' },
      faults: { type: 'string' },
      'rate-share': { type: 'string' },
      'capacity-s': { type: 'string' },
    },
  });
  const faults = (values.faults ?? FAULT_KINDS.join(',')).split(',').map((name) => {
    if (!(FAULT_KINDS as readonly string[]).includes(name))
      throw new Error(`--faults: ${name} is not one of ${FAULT_KINDS.join(',')}`);
    return name as FaultKind;
  });
  const rateShare = Number(values['rate-share'] ?? 0.5);
  if (!(rateShare > 0 && rateShare <= 1)) throw new Error('--rate-share: more than 0, at most 1');
  return {
    minutes: integerFlag(values, 'minutes', 30, 2, 24 * 60),
    nemesisEveryS: integerFlag(values, 'nemesis-every-s', 120, 10, 3_600),
    faults,
    rateShare,
    capacitySeconds: integerFlag(values, 'capacity-s', 20, 5, 120),
  };
}
