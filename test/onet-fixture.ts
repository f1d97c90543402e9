import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface FixtureOccupation {
  code: string;
  title: string;
  technologies: string[];
  tasks: string[];
  alternateTitles: string[];
  reportedTitles: string[];
}

/** A tiny O*NET: four distinct occupations, one with too few items to test, one with none. */
export const fixtureOccupations: FixtureOccupation[] = [
  {
    code: "15-1252.00",
    title: "Software Developers",
    technologies: [
      "Python",
      "Java",
      "Git",
      "Docker",
      "Kubernetes",
      "JavaScript",
      "TypeScript",
      "React",
      "PostgreSQL",
      "Linux",
      "Jenkins",
      "GitHub",
    ],
    tasks: [
      "Write and test computer program code for applications.",
      "Debug software defects reported by users.",
      "Design software architecture for distributed systems.",
      "Review program code written by other software developers.",
      "Deploy application releases to cloud servers.",
    ],
    alternateTitles: [
      "Software Engineer",
      "Application Developer",
      "Programmer Analyst",
      "Backend Developer",
      "Java Developer",
      "Python Programmer",
      "Web Application Developer",
      "Software Architect",
      "Systems Programmer",
      "Full Stack Developer",
    ],
    reportedTitles: ["Senior Software Engineer", "Software Developer"],
  },
  {
    code: "29-1141.00",
    title: "Registered Nurses",
    technologies: [
      "Epic Systems",
      "Meditech",
      "Cerner Millennium",
      "electronic medical record software",
      "medication dispensing software",
      "patient monitoring software",
      "Microsoft Word",
      "Allscripts",
      "nurse scheduling software",
      "Pyxis MedStation",
    ],
    tasks: [
      "Administer medications to patients and monitor reactions.",
      "Monitor patient vital signs and record observations.",
      "Educate patients and families about treatment plans.",
      "Prepare patients for examinations and treatments.",
      "Maintain accurate patient medical records.",
    ],
    alternateTitles: [
      "Staff Nurse",
      "Charge Nurse",
      "RN",
      "Nurse Clinician",
      "Clinical Nurse",
      "Hospital Nurse",
      "Emergency Room Nurse",
      "Pediatric Nurse",
      "Surgical Nurse",
      "Home Health Nurse",
    ],
    reportedTitles: ["ICU Registered Nurse", "Registered Nurse (RN)"],
  },
  {
    code: "47-2031.01",
    title: "Construction Carpenters",
    technologies: [
      "AutoCAD",
      "construction estimating software",
      "Craftsman CD Estimator",
      "Turtle Creek Software Goldenseal",
      "Bosch Punch Home Design",
      "SketchUp",
      "Microsoft Excel",
      "framing calculator software",
      "ProEst",
      "PlanSwift",
    ],
    tasks: [
      "Measure and cut lumber to build wooden frames.",
      "Install doors, windows and wooden stairs in buildings.",
      "Assemble concrete forms for foundations.",
      "Read blueprints to plan construction of structures.",
      "Inspect damaged wooden structures and repair them.",
    ],
    alternateTitles: [
      "Framing Carpenter",
      "Finish Carpenter",
      "Rough Carpenter",
      "Carpenter Foreman",
      "Journeyman Carpenter",
      "Form Carpenter",
      "Trim Carpenter",
      "Cabinet Installer",
      "Stair Builder",
      "Wood Framer",
    ],
    reportedTitles: ["Master Carpenter", "Carpenters"],
  },
  {
    code: "43-3031.00",
    title: "Bookkeeping, Accounting, and Auditing Clerks",
    technologies: [
      "Intuit QuickBooks",
      "Sage 50 Accounting",
      "Xero",
      "FreshBooks",
      "Microsoft Excel",
      "payroll software",
      "Oracle PeopleSoft Financials",
      "bookkeeping software",
      "SAP software",
      "tax preparation software",
    ],
    tasks: [
      "Reconcile bank statements with ledger accounts.",
      "Record financial transactions in general ledgers.",
      "Prepare invoices and collect payments from customers.",
      "Compute payroll and issue employee pay cheques.",
      "Audit expense reports for accuracy.",
    ],
    alternateTitles: [
      "Bookkeeper",
      "Accounting Clerk",
      "Accounts Payable Clerk",
      "Audit Clerk",
      "Ledger Clerk",
      "Accounts Receivable Clerk",
      "Payroll Clerk",
      "Billing Clerk",
      "Full Charge Bookkeeper",
      "Accounting Assistant",
    ],
    reportedTitles: ["Accounting Specialist", "Bookkeeper Assistant"],
  },
  {
    code: "45-2091.00",
    title: "Agricultural Equipment Operators",
    technologies: ["GPS guidance software"],
    tasks: ["Drive tractors to till fields."],
    alternateTitles: ["Tractor Driver"],
    reportedTitles: [],
  },
];

function table(header: string[], rows: string[][]): string {
  return `${[header, ...rows].map((row) => row.join("\t")).join("\r\n")}\r\n`;
}

/** Writes the fixture as O*NET's text export (tab-separated, CRLF, header row) to a new temp folder. */
export function writeOnetFixture(occupations: readonly FixtureOccupation[] = fixtureOccupations): string {
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-onet-"));
  const files: Record<string, string> = {
    "Occupation_Data.txt": table(
      ["O*NET-SOC Code", "Title", "Description"],
      [
        ...occupations.map((o) => [o.code, o.title, `${o.title} do the work of ${o.title.toLowerCase()}.`]),
        ["11-9999.00", "Occupations Without Data", "Listed but without technologies or tasks."],
      ],
    ),
    "Technology_Skills.txt": table(
      ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"],
      occupations.flatMap((o) =>
        o.technologies.map((t, i) => [o.code, t, "43232202", "Software", i % 2 === 0 ? "Y" : "N", "N"]),
      ),
    ),
    "Task_Statements.txt": table(
      ["O*NET-SOC Code", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"],
      occupations.flatMap((o) =>
        o.tasks.map((t, i) => [o.code, String(1000 + i), t, "Core", "90", "08/2023", "Incumbent"]),
      ),
    ),
    "Alternate_Titles.txt": table(
      ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"],
      occupations.flatMap((o) => o.alternateTitles.map((t) => [o.code, t, "n/a", "08"])),
    ),
    "Sample_of_Reported_Titles.txt": table(
      ["O*NET-SOC Code", "Reported Job Title", "Shown in My Next Move"],
      occupations.flatMap((o) => o.reportedTitles.map((t) => [o.code, t, "Y"])),
    ),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
