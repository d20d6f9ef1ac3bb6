export {
  CALL_LOST,
  chooseLostCalls,
  type OpenCall,
  type OwnedCall,
  openCallOf,
  type RecoveryPlan,
  recoveryPlan,
  sameOpenCall,
  UNKNOWN_OWNER,
} from './lost-calls';
