// Dual-package hazard check. .ci/smoke-package.sh copies this file into the temporary project
// where the packed tarball is installed and runs it there, so that `rx-channels` resolves through
// the installed package's `exports` map: require() gives the CommonJS build, import() the ESM one.
// It makes errors in the CommonJS copy and checks that the ESM copy's classes recognise them
// (`instanceof` at every level, and nothing else). Exits non-zero on the first failed check.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cjs = require('rx-channels');
const esm = await import('rx-channels');

if (cjs.SenderError === esm.SenderError) {
  throw new Error('smoke: require() and import() gave the same classes; this check would prove nothing');
}

/** Checks `value instanceof esm[name]` for every name of `yes` (true) and of `no` (false). */
function expectInstance(what, value, { yes, no }) {
  for (const [names, expected] of [
    [yes, true],
    [no, false],
  ]) {
    for (const name of names) {
      if (value instanceof esm[name] !== expected) {
        throw new Error(`smoke: ${what} instanceof ESM ${name} should be ${expected}`);
      }
    }
  }
  console.log(`dual package: ${what} is ${yes.join(', ')}; not ${no.join(', ')}: ok`);
}

/** The reason `promise` rejects with; fails when it fulfils. */
function reasonOf(promise) {
  return promise.then(
    () => {
      throw new Error('smoke: expected a rejection');
    },
    (reason) => reason,
  );
}

// A send on a closed Anycast: SenderError caused by ChannelClosedError.
const channel = new cjs.Anycast({ name: 'smoke' });
const sender = channel.newSender();
const receiver = channel.newReceiver();
channel.close();
const senderError = await reasonOf(sender.send(1));
expectInstance('CJS SenderError', senderError, {
  yes: ['SenderError', 'ChannelsError'],
  no: ['ReceiverError', 'ChannelError', 'ReceiverStoppedError'],
});
expectInstance('its cause', senderError.cause, {
  yes: ['ChannelClosedError', 'ChannelError', 'ChannelsError'],
  no: ['SenderError', 'ReceiverError'],
});
if (senderError.name !== 'SenderError' || senderError.message !== 'The channel was closed') {
  throw new Error(`smoke: unexpected ${senderError.name}: ${senderError.message}`);
}

// A receive on the drained, closed channel: ReceiverStoppedError caused by ChannelClosedError.
const stopped = await reasonOf(receiver.receive());
expectInstance('CJS ReceiverStoppedError', stopped, {
  yes: ['ReceiverStoppedError', 'ReceiverError', 'ChannelsError'],
  no: ['SenderError', 'ReceiverInvalidatedError', 'ChannelError'],
});
expectInstance('its cause', stopped.cause, {
  yes: ['ChannelClosedError', 'ChannelError', 'ChannelsError'],
  no: ['ReceiverError'],
});

// Receiver and Sender across builds: checked once the library brands them (lib/internal/brand.ts).
const isBranded = (klass) => typeof Object.getOwnPropertyDescriptor(klass, Symbol.hasInstance)?.value === 'function';
for (const [name, value, others] of [
  ['Receiver', receiver, ['Sender']],
  ['Sender', sender, ['Receiver']],
]) {
  if (isBranded(esm[name])) {
    expectInstance(`CJS ${name}`, value, { yes: [name], no: others });
    if ({} instanceof esm[name]) {
      throw new Error(`smoke: a plain object is instanceof ESM ${name}`);
    }
  } else {
    console.log(`dual package: CJS ${name} instanceof ESM ${name}: skipped: not branded yet`);
  }
}
