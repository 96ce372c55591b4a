/** The typed measure library: every metric defined once, in TypeScript, for Cube and for code. */
import { responseDimensions } from "./dimensions.ts";
import { driverMeasures } from "./drivers.ts";
import { measureModuleSource } from "./emit.ts";
import { krsMeasures } from "./krs.ts";
import { npsMeasures } from "./nps.ts";
import { cesMeasures, csatMeasures } from "./satisfaction.ts";
import { DEFAULT_MINIMUM_SAMPLE, type MeasureSet, type SqlDialect } from "./types.ts";
import { driverModelMeasures } from "./driver-model.ts";
import { driverEvidenceMeasures, npsIntervalMeasures, withReportedMembers } from "./reported.ts";
import { caseMeasures, caseRecoveryMeasures } from "./cases.ts";
import { churnMeasures, ledgerMeasures, revenueHistoryMeasures } from "./value.ts";
import { invitationMeasures } from "./invitations.ts";

export * from "./types.ts";
export * from "./formulas.ts";
export { npsMeasures, npsMarginOfErrorSql, Z_95 } from "./nps.ts";
export { driverMeasures, pearsonSql } from "./drivers.ts";
export { krsMeasures, KRS_COMPONENTS } from "./krs.ts";
export { caseMeasures, caseRecoveryMeasures, percentileSql, proportionDifferenceBoundSql, twoProportionZSql } from "./cases.ts";
export { churnMeasures, ledgerMeasures, revenueHistoryMeasures, wilsonBoundSql, riskRatioSql, riskRatioBoundSql, annualChurnSql, lifetimeValueSql, VALUE_CATEGORIES } from "./value.ts";
export { invitationMeasures } from "./invitations.ts";
export { csatMeasures, cesMeasures, proportionMarginOfErrorSql } from "./satisfaction.ts";
export { responseDimensions, type DimensionSet, type DimensionDefinition } from "./dimensions.ts";
export { measureModuleSource, dimensionSetSource, measureSetSource, sqlFunctionSource } from "./emit.ts";

/** The measure sets the Cube model imports, by export name (model/cubes/*.js). */
export function modelMeasureSets(minimumSample = DEFAULT_MINIMUM_SAMPLE, dialect: SqlDialect = "duckdb"): Record<string, MeasureSet> {
  return {
    npsMeasures: withReportedMembers({ ...npsMeasures({ minimumSample }), ...npsIntervalMeasures() }, "responses", minimumSample),
    driverMeasures: withReportedMembers({ ...driverMeasures(), ...driverEvidenceMeasures() }, "ratings", minimumSample),
    krsMeasures: withReportedMembers(krsMeasures({ minimumSample }), "responses", minimumSample),
    csatMeasures: withReportedMembers(csatMeasures({ minimumSample }), "responses", minimumSample),
    cesMeasures: withReportedMembers(cesMeasures({ minimumSample }), "responses", minimumSample),
    driverModelMeasures: driverModelMeasures(),
    // Follow-up: its own suppression (cases, and the smaller recovery group), see cases.ts.
    caseMeasures: caseMeasures({ minimumSample, dialect }),
    caseRecoveryMeasures: caseRecoveryMeasures({ minimumSample }),
    // Value: suppressed by observed answers or customers, see value.ts.
    churnMeasures: churnMeasures({ minimumSample }),
    ledgerMeasures: ledgerMeasures({ minimumSample }),
    revenueHistoryMeasures: revenueHistoryMeasures({ minimumSample }),
    // Survey pressure: by invitations, answers or the smaller group compared, see invitations.ts.
    invitationMeasures: invitationMeasures({ minimumSample }),
  };
}

/** File name under which the generated module joins the model (cube files: import from './promotor_measures'). */
export const MEASURE_MODULE_FILE = "promotor_measures.js";

export function measureModule(minimumSample = DEFAULT_MINIMUM_SAMPLE, dialect: SqlDialect = "duckdb"): string {
  return measureModuleSource(
    modelMeasureSets(minimumSample, dialect),
    `Generated from src/measures (TypeScript) by src/semantic/repository.ts; minimum sample ${minimumSample}${dialect === "duckdb" ? "" : `, SQL for ${dialect}`}. Do not edit.`,
    { responseDimensions: responseDimensions() },
  );
}
export * from "./intervals.ts";
export * from "./significance.ts";
export * from "./shrinkage.ts";
export * from "./drivers-evidence.ts";
export { withReportedMembers, npsIntervalMeasures, driverEvidenceMeasures } from "./reported.ts";
export { driverModelMeasures, correlationMember, MODEL_DRIVERS, MODEL_OUTCOME } from "./driver-model.ts";
