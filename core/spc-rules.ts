/**
 * The run rules' ids: named by the SPC module that judges them and by the alarms the graph stores,
 * so they live below both.
 */
export const RULE_IDS = [
  'we1',
  'we2',
  'we3',
  'we4',
  'nelson1',
  'nelson2',
  'nelson3',
  'nelson4',
  'nelson5',
  'nelson6',
  'nelson7',
  'nelson8',
] as const;
export type RuleId = (typeof RULE_IDS)[number];
