import { runFanOut } from '../../examples/fan-out';

describe('examples/fan-out', () => {
  it('the late display starts from the latest price, then leaves; the early one sees every price', async () => {
    const lines: string[] = [];
    await runFanOut((line) => lines.push(line));
    expect(lines.filter((line) => line.startsWith('early'))).toEqual([
      'early display: 100',
      'early display: 101',
      'early display: 102',
      'early display: 103',
      'early display: 104',
    ]);
    expect(lines.filter((line) => line.startsWith('late'))).toEqual([
      'late display: 101',
      'late display: 102',
      'late display: 103',
    ]);
    expect(lines).toContain('receivers: 2');
    expect(lines).toContain('receivers after the late display left: 1');
  });
});
