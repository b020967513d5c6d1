// Preloaded by `npm run test:clock-ahead` (node --import): every `Date` in the process, and in the
// child processes it starts, runs MDU_TEST_CLOCK_AHEAD_DAYS ahead of the calendar. A test that
// compares a literal date with the real clock passes today and fails here: the suite must pass
// on any later date, so its time-sensitive tests run under this clock too.
const RealDate = globalThis.Date;
const aheadMs = Number(process.env.MDU_TEST_CLOCK_AHEAD_DAYS ?? '0') * 86_400_000;

function ShiftedDate(...args) {
  if (!new.target) return new RealDate(RealDate.now() + aheadMs).toString();
  return args.length === 0 ? new RealDate(RealDate.now() + aheadMs) : new RealDate(...args);
}
Object.setPrototypeOf(ShiftedDate, RealDate);
ShiftedDate.prototype = RealDate.prototype;
ShiftedDate.now = () => RealDate.now() + aheadMs;
globalThis.Date = ShiftedDate;
