import { describe, expect, it } from 'vitest';
import { brokerLoad, type ConnectionCost } from '../../bench/broker-fan-in/broker-load.js';

const cost: ConnectionCost = {
  bytesPerIdleConnection: 100 * 1024,
  handshakeCpuUs: 4_000,
  idleCpuUsPerSecond: 50,
};

describe('brokerLoad', () => {
  it.each([
    { connections: 0, handshakes: 0, memoryBytes: 0, idleCores: 0, handshakeCpuSeconds: 0 },
    {
      connections: 654,
      handshakes: 78,
      memoryBytes: 654 * 102_400,
      idleCores: 0.0327,
      handshakeCpuSeconds: 0.312,
    },
    {
      connections: 10_000,
      handshakes: 1_000,
      memoryBytes: 1_024_000_000,
      idleCores: 0.5,
      handshakeCpuSeconds: 4,
    },
  ])(
    'costs $connections idle connections and $handshakes handshakes their measured memory and CPU',
    ({ connections, handshakes, memoryBytes, idleCores, handshakeCpuSeconds }) => {
      const load = brokerLoad({ connections, handshakes }, cost);

      expect(load.memoryBytes).toBe(memoryBytes);
      expect(load.idleCores).toBeCloseTo(idleCores, 6);
      expect(load.handshakeCpuSeconds).toBeCloseTo(handshakeCpuSeconds, 6);
    },
  );

  it('grows with the connections a broker holds, not with the fleet', () => {
    const fewer = brokerLoad({ connections: 600, handshakes: 60 }, cost);
    const more = brokerLoad({ connections: 10_000, handshakes: 1_000 }, cost);

    expect(more.memoryBytes / fewer.memoryBytes).toBeCloseTo(10_000 / 600, 6);
    expect(more.handshakeCpuSeconds / fewer.handshakeCpuSeconds).toBeCloseTo(1_000 / 60, 6);
  });
});
