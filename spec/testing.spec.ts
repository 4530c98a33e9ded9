import * as testing from 'rx-channels/testing';
import { VirtualClock } from '../lib/testing/VirtualClock';

describe("the 'rx-channels/testing' entry", () => {
  it('exports VirtualClock', () => {
    expect(testing.VirtualClock).toBe(VirtualClock);
  });

  it('exports nothing else at run time', () => {
    expect(Object.keys(testing).sort()).toEqual(['VirtualClock']);
  });
});
