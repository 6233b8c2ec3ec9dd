// Attendee lists from spreadsheets: CSV to the people of attendance.import.
//
// Spreadsheets save CSV in many ways: with or without a UTF-8 byte order mark,
// with commas or (in French and Spanish locales) semicolons, with quoted fields
// that hold separators, quotes ("") or line breaks. The first line names the columns.

const COLUMNS = {
  name: "name", organisation: "organisation", organization: "organisation", city: "city",
  kind: "kind", badge: "badge",
  // The person's delegation (delegation.import): its name, country, languages, flag or
  // logo, and whether the person signs for it.
  delegation: "delegation", country: "country", languages: "languages", flag: "flag",
  logo: "flag", signatory: "signatory",
};
export const DELEGATION_COLUMNS = ["delegation", "country", "languages", "flag", "signatory"];

// The separator is the one the header line uses more (outside quotes): , or ;.
function separatorOf(text) {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && char === ",") commas += 1;
    else if (!quoted && char === ";") semicolons += 1;
  }
  return semicolons > commas ? ";" : ",";
}

// Records as arrays of fields, each with the number of the line it starts on.
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const separator = separatorOf(text);
  const records = [];
  let field = "";
  let record = [];
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    record.push(field);
    records.push({ line: start, fields: record });
    field = "";
    record = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === "\n") line += 1;
        field += char;
      }
    } else if (char === '"' && field === "") {
      quoted = true;
    } else if (char === separator) {
      record.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      endRecord();
      line += 1;
      start = line;
    } else {
      field += char;
    }
  }
  if (field !== "" || record.length) endRecord();
  return records;
}

// {people, lines, delegations} for attendance.import, or delegation.import when the file
// has a delegation column (delegations true); lines[i] is the file line of people[i];
// {problem, params} when the file cannot be read as an attendee list, with
// problem one of "no-name-column", "empty"; unknown columns are listed in ignored.
export function attendeesFromCsv(text) {
  const records = parseCsv(text).filter((r) => r.fields.some((f) => f.trim() !== ""));
  if (!records.length) return { problem: "empty" };
  const header = records[0].fields.map((f) => f.trim().toLowerCase());
  const columns = header.map((name) => COLUMNS[name] || null);
  if (!columns.includes("name")) return { problem: "no-name-column" };
  const ignored = header.filter((name, i) => name && !columns[i]);
  const people = [];
  const lines = [];
  for (const { line, fields } of records.slice(1)) {
    const person = {};
    columns.forEach((column, i) => {
      const value = (fields[i] || "").trim();
      // Empty optional cells are left out: the server makes a badge, takes the default kind.
      if (column && (value || column === "name")) person[column] = column === "kind" ? value.toLowerCase() : value;
    });
    people.push(person);
    lines.push(line);
  }
  if (!people.length) return { problem: "empty" };
  return { people, lines, ignored, delegations: columns.includes("delegation") };
}
