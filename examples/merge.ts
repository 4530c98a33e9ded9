/**
 * Merging two channels: a Merge receives from a temperature Anycast and a humidity Anycast,
 * taking turns while both have messages, and ends when both channels are closed. A MergeNamed
 * does the same and tags each message with its source's name. Run with `npx tsx examples/merge.ts`;
 * it exits by itself.
 */
import { Anycast, Merge, MergeNamed } from 'rx-channels';

async function produce(channel: Anycast<number>, readings: readonly number[]): Promise<void> {
  const sender = channel.newSender();
  for (const reading of readings) {
    await sender.send(reading);
  }
  await channel.close();
}

async function mergeTwoChannels(): Promise<void> {
  const temperatures = new Anycast<number>({ name: 'temperature', maxsize: 2 });
  const humidities = new Anycast<number>({ name: 'humidity', maxsize: 2 });
  const merged = new Merge(temperatures.newReceiver(), humidities.newReceiver());
  const producers = [produce(temperatures, [21.5, 21.7, 22.0]), produce(humidities, [40, 41])];
  const readings: number[] = [];
  for await (const reading of merged) {
    readings.push(reading);
  }
  await Promise.all(producers);
  console.log(`Merge:      ${readings.join(', ')}`);
}

async function mergeNamed(): Promise<void> {
  const temperatures = new Anycast<number>({ name: 'temperature' });
  const humidities = new Anycast<number>({ name: 'humidity' });
  const merged = new MergeNamed({ temperature: temperatures.newReceiver(), humidity: humidities.newReceiver() });
  const producers = [produce(temperatures, [21.5, 22.0]), produce(humidities, [40])];
  const lines: string[] = [];
  for await (const [name, value] of merged) {
    lines.push(name === 'temperature' ? `${value} °C` : `${value} %`);
  }
  await Promise.all(producers);
  console.log(`MergeNamed: ${lines.join(', ')}`);
}

async function main(): Promise<void> {
  await mergeTwoChannels();
  await mergeNamed();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
