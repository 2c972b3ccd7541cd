import { describe, expect, it } from 'vitest';
import { TracegraphError } from '../../core/errors.ts';
import { gs1CheckDigitOk, parseGs1Barcode } from '../../core/gs1-barcode.ts';

const GS = '\u001d';

describe('GS1 barcode parser', () => {
  it('reads a bracketed element string with GTIN, expiry, lot and serial into an SGTIN URN', () => {
    const b = parseGs1Barcode('(01)09506000134352(17)201225(10)ABC(21)123');
    expect(b).toMatchObject({ gtin: '09506000134352', expiry: '2020-12-25', lot: 'ABC', serial: '123' });
    expect(b.id).toBe('urn:epc:id:sgtin:9506000.013435.123');
  });

  it('reads the raw form a scanner sends: symbology prefix, FNC1 as GS after variable fields', () => {
    for (const prefix of [']C1', ']d2', ']Q3', '']) {
      const b = parseGs1Barcode(`${prefix}010950600013435217201225` + `10ABC${GS}21123`);
      expect(b.id).toBe('urn:epc:id:sgtin:9506000.013435.123');
      expect(b.lot).toBe('ABC');
      expect(b.expiry).toBe('2020-12-25');
    }
    // serial last: runs to the end without a GS
    expect(parseGs1Barcode(`]d20109506000134352${'21'}AB/12`).id).toBe('urn:epc:id:sgtin:9506000.013435.AB%2F12');
  });

  it('gives an LGTIN for a GTIN with a lot and no serial, and an SSCC URN for (00)', () => {
    expect(parseGs1Barcode('(01)09506000134352(10)LOT-7').id).toBe('urn:epc:class:lgtin:9506000.013435.LOT-7');
    expect(parseGs1Barcode(']C100106141411234567897').id).toBe('urn:epc:id:sscc:0614141.1123456789');
    expect(parseGs1Barcode('(00)106141411234567897').sscc).toBe('106141411234567897');
  });

  it('skips other AIs it knows the length of (e.g. net weight 3103, best before 15)', () => {
    const b = parseGs1Barcode(`0109506000134352310300150015260131${'10'}L1${GS}21S9`);
    expect(b.elements.map((e) => e.ai)).toEqual(['01', '3103', '15', '10', '21']);
    expect(b.id).toBe('urn:epc:id:sgtin:9506000.013435.S9');
  });

  it('day 00 of an expiry is the last day of the month', () => {
    expect(parseGs1Barcode('(01)09506000134352(17)240200(21)1').expiry).toBe('2024-02-29');
  });

  it('accepts a GS1 Digital Link URI as scanned from a QR code', () => {
    expect(parseGs1Barcode('https://id.gs1.org/01/09506000134352/21/123').id).toBe('urn:epc:id:sgtin:9506000.013435.123');
  });

  it('checks GS1 check digits', () => {
    expect(gs1CheckDigitOk('09506000134352')).toBe(true);
    expect(gs1CheckDigitOk('09506000134353')).toBe(false);
    expect(gs1CheckDigitOk('106141411234567897')).toBe(true);
  });

  it('refuses bad barcodes with BAD_INPUT and a message that says what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['(01)09506000134353(21)1', /wrong check digit/],
      ['(01)0950600013435(21)1', /14 digits/],
      ['(17)201225', /names no unit or lot/],
      ['(01)09506000134352(17)201325(21)1', /YYMMDD/],
      ['0109506000134352' + '55XYZ', /unknown application identifier/],
      ['01095060', /needs 14 characters/],
      ['hello', /unknown application identifier/],
      ['(01)09506000134352(21)' + 'x'.repeat(21), /1 to 20/],
      ['https://example.com/01/09506000134352', /names no serial/],
    ];
    for (const [input, why] of cases) {
      let err: unknown;
      try {
        parseGs1Barcode(input);
      } catch (e) {
        err = e;
      }
      expect(err, input).toBeInstanceOf(TracegraphError);
      expect((err as TracegraphError).code).toBe('BAD_INPUT');
      expect((err as Error).message, input).toMatch(why);
    }
  });
});
