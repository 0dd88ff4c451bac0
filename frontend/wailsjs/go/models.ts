export namespace bindings {
	
	export class ActionResult {
	    action: string;
	    kind: string;
	    instance: string;
	    container: string;
	    network: string;
	    status: string;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ActionResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.kind = source["kind"];
	        this.instance = source["instance"];
	        this.container = source["container"];
	        this.network = source["network"];
	        this.status = source["status"];
	        this.error = source["error"];
	    }
	}
	export class ApplyOutcome {
	    planId: number;
	    runId: number;
	    results: ActionResult[];
	
	    static createFrom(source: any = {}) {
	        return new ApplyOutcome(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.planId = source["planId"];
	        this.runId = source["runId"];
	        this.results = this.convertValues(source["results"], ActionResult);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Check {
	    name: string;
	    status: string;
	    summary: string;
	    detail?: string;
	    fix?: string;
	
	    static createFrom(source: any = {}) {
	        return new Check(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.status = source["status"];
	        this.summary = source["summary"];
	        this.detail = source["detail"];
	        this.fix = source["fix"];
	    }
	}
	export class ClonePort {
	    instance: string;
	    from: string;
	    to: string;
	
	    static createFrom(source: any = {}) {
	        return new ClonePort(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.instance = source["instance"];
	        this.from = source["from"];
	        this.to = source["to"];
	    }
	}
	export class CloneView {
	    stack: string;
	    root: string;
	    instances: string[];
	    ports: ClonePort[];
	    secrets: string[];
	    missingSecrets: string[];
	    dryRun: boolean;
	
	    static createFrom(source: any = {}) {
	        return new CloneView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.root = source["root"];
	        this.instances = source["instances"];
	        this.ports = this.convertValues(source["ports"], ClonePort);
	        this.secrets = source["secrets"];
	        this.missingSecrets = source["missingSecrets"];
	        this.dryRun = source["dryRun"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class DiagnosticFix {
	    kind: string;
	    secret: string;
	    command: string;
	
	    static createFrom(source: any = {}) {
	        return new DiagnosticFix(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.secret = source["secret"];
	        this.command = source["command"];
	    }
	}
	export class Problem {
	    kind: string;
	    summary: string;
	    detail?: string;
	    field?: string;
	    instance?: string;
	    fix?: DiagnosticFix;
	    problems?: Problem[];
	    runId?: number;
	    results?: ActionResult[];
	
	    static createFrom(source: any = {}) {
	        return new Problem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.summary = source["summary"];
	        this.detail = source["detail"];
	        this.field = source["field"];
	        this.instance = source["instance"];
	        this.fix = this.convertValues(source["fix"], DiagnosticFix);
	        this.problems = this.convertValues(source["problems"], Problem);
	        this.runId = source["runId"];
	        this.results = this.convertValues(source["results"], ActionResult);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ComposePreview {
	    stack: string;
	    yaml: string;
	    path: string;
	    written: boolean;
	    clashes: Problem[];
	
	    static createFrom(source: any = {}) {
	        return new ComposePreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.yaml = source["yaml"];
	        this.path = source["path"];
	        this.written = source["written"];
	        this.clashes = this.convertValues(source["clashes"], Problem);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ContractNeed {
	    contract: string;
	    required: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ContractNeed(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contract = source["contract"];
	        this.required = source["required"];
	    }
	}
	export class DefinitionChange {
	    action: string;
	    subject: string;
	    details: string[];
	
	    static createFrom(source: any = {}) {
	        return new DefinitionChange(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.action = source["action"];
	        this.subject = source["subject"];
	        this.details = source["details"];
	    }
	}
	export class DeleteResult {
	    keptVolumes: string[];
	    keptFiles: string[];
	    keptDir?: string;
	    unchecked?: string;
	
	    static createFrom(source: any = {}) {
	        return new DeleteResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.keptVolumes = source["keptVolumes"];
	        this.keptFiles = source["keptFiles"];
	        this.keptDir = source["keptDir"];
	        this.unchecked = source["unchecked"];
	    }
	}
	export class Diagnostic {
	    severity: string;
	    summary: string;
	    detail: string;
	    instance: string;
	    path: string;
	    fix?: DiagnosticFix;
	
	    static createFrom(source: any = {}) {
	        return new Diagnostic(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.severity = source["severity"];
	        this.summary = source["summary"];
	        this.detail = source["detail"];
	        this.instance = source["instance"];
	        this.path = source["path"];
	        this.fix = this.convertValues(source["fix"], DiagnosticFix);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class DockerContext {
	    name: string;
	    endpoint: string;
	    tls: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DockerContext(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.endpoint = source["endpoint"];
	        this.tls = source["tls"];
	    }
	}
	export class EffectiveField {
	    path: string;
	    kind: string;
	    value: any;
	    origin: string;
	
	    static createFrom(source: any = {}) {
	        return new EffectiveField(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.kind = source["kind"];
	        this.value = source["value"];
	        this.origin = source["origin"];
	    }
	}
	export class ExportResult {
	    path: string;
	    warnings: string[];
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.warnings = source["warnings"];
	    }
	}
	export class GraphNeed {
	    contract: string;
	    required: boolean;
	    candidates: string[];
	
	    static createFrom(source: any = {}) {
	        return new GraphNeed(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contract = source["contract"];
	        this.required = source["required"];
	        this.candidates = source["candidates"];
	    }
	}
	export class GraphNode {
	    name: string;
	    template: string;
	    provides: string[];
	    needs: GraphNeed[];
	
	    static createFrom(source: any = {}) {
	        return new GraphNode(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.template = source["template"];
	        this.provides = source["provides"];
	        this.needs = this.convertValues(source["needs"], GraphNeed);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class GraphProblem {
	    severity: string;
	    summary: string;
	    detail: string;
	    instance: string;
	    field: string;
	    contract: string;
	
	    static createFrom(source: any = {}) {
	        return new GraphProblem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.severity = source["severity"];
	        this.summary = source["summary"];
	        this.detail = source["detail"];
	        this.instance = source["instance"];
	        this.field = source["field"];
	        this.contract = source["contract"];
	    }
	}
	export class GraphWire {
	    consumer: string;
	    contract: string;
	    provider: string;
	    kind: string;
	
	    static createFrom(source: any = {}) {
	        return new GraphWire(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.consumer = source["consumer"];
	        this.contract = source["contract"];
	        this.provider = source["provider"];
	        this.kind = source["kind"];
	    }
	}
	export class Health {
	    database: Check;
	    engine: Check;
	    ready: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Health(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.database = this.convertValues(source["database"], Check);
	        this.engine = this.convertValues(source["engine"], Check);
	        this.ready = source["ready"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ReportFinding {
	    path: string;
	    change: string;
	    detail: string;
	
	    static createFrom(source: any = {}) {
	        return new ReportFinding(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.change = source["change"];
	        this.detail = source["detail"];
	    }
	}
	export class ImportPreview {
	    stack: string;
	    dryRun: boolean;
	    instances: string[];
	    wires: number;
	    templatesCreated: string[];
	    templatesReused: string[];
	    secretsGenerated: string[];
	    secretsSet: string[];
	    missingSecrets: string[];
	    warnings: string[];
	    report: ReportFinding[];
	    secretValuesUnchecked: boolean;
	    root: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.dryRun = source["dryRun"];
	        this.instances = source["instances"];
	        this.wires = source["wires"];
	        this.templatesCreated = source["templatesCreated"];
	        this.templatesReused = source["templatesReused"];
	        this.secretsGenerated = source["secretsGenerated"];
	        this.secretsSet = source["secretsSet"];
	        this.missingSecrets = source["missingSecrets"];
	        this.warnings = source["warnings"];
	        this.report = this.convertValues(source["report"], ReportFinding);
	        this.secretValuesUnchecked = source["secretValuesUnchecked"];
	        this.root = source["root"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InstanceDetail {
	    stack: string;
	    name: string;
	    template: string;
	    fields: EffectiveField[];
	    overrides: string;
	    revision: number;
	
	    static createFrom(source: any = {}) {
	        return new InstanceDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.name = source["name"];
	        this.template = source["template"];
	        this.fields = this.convertValues(source["fields"], EffectiveField);
	        this.overrides = source["overrides"];
	        this.revision = source["revision"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InstanceState {
	    instance: string;
	    container: string;
	    state: string;
	    health: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new InstanceState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.instance = source["instance"];
	        this.container = source["container"];
	        this.state = source["state"];
	        this.health = source["health"];
	        this.status = source["status"];
	    }
	}
	export class InstanceSummary {
	    name: string;
	    template: string;
	    containerName: string;
	    image: string;
	    imageOrigin: string;
	    ports: string[];
	    portsOrigin: string;
	    urls: string[];
	    overridden: string[];
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new InstanceSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.template = source["template"];
	        this.containerName = source["containerName"];
	        this.image = source["image"];
	        this.imageOrigin = source["imageOrigin"];
	        this.ports = source["ports"];
	        this.portsOrigin = source["portsOrigin"];
	        this.urls = source["urls"];
	        this.overridden = source["overridden"];
	        this.status = source["status"];
	    }
	}
	export class PlanField {
	    path: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new PlanField(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.value = source["value"];
	    }
	}
	export class PlanChange {
	    path: string;
	    old: string;
	    new: string;
	
	    static createFrom(source: any = {}) {
	        return new PlanChange(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.old = source["old"];
	        this.new = source["new"];
	    }
	}
	export class PlanAction {
	    kind: string;
	    symbol: string;
	    instance: string;
	    container: string;
	    network: string;
	    cause: string;
	    engine: string;
	    changes: PlanChange[];
	    config: PlanField[];
	
	    static createFrom(source: any = {}) {
	        return new PlanAction(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.symbol = source["symbol"];
	        this.instance = source["instance"];
	        this.container = source["container"];
	        this.network = source["network"];
	        this.cause = source["cause"];
	        this.engine = source["engine"];
	        this.changes = this.convertValues(source["changes"], PlanChange);
	        this.config = this.convertValues(source["config"], PlanField);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class PlanSummary {
	    add: number;
	    change: number;
	    destroy: number;
	
	    static createFrom(source: any = {}) {
	        return new PlanSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.add = source["add"];
	        this.change = source["change"];
	        this.destroy = source["destroy"];
	    }
	}
	export class PlanView {
	    id: number;
	    stack: string;
	    revision: number;
	    text: string;
	    empty: boolean;
	    failed: boolean;
	    summary: PlanSummary;
	    actions: PlanAction[];
	    diagnostics: Diagnostic[];
	    stopped: boolean;
	    stoppedInstances: string[];
	
	    static createFrom(source: any = {}) {
	        return new PlanView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.stack = source["stack"];
	        this.revision = source["revision"];
	        this.text = source["text"];
	        this.empty = source["empty"];
	        this.failed = source["failed"];
	        this.summary = this.convertValues(source["summary"], PlanSummary);
	        this.actions = this.convertValues(source["actions"], PlanAction);
	        this.diagnostics = this.convertValues(source["diagnostics"], Diagnostic);
	        this.stopped = source["stopped"];
	        this.stoppedInstances = source["stoppedInstances"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class RunSummary {
	    id: number;
	    planId: number;
	    operation: string;
	    status: string;
	    startedBy: string;
	    startedAt: string;
	    finishedAt: string;
	    stderr: string;
	    results: ActionResult[];
	
	    static createFrom(source: any = {}) {
	        return new RunSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.planId = source["planId"];
	        this.operation = source["operation"];
	        this.status = source["status"];
	        this.startedBy = source["startedBy"];
	        this.startedAt = source["startedAt"];
	        this.finishedAt = source["finishedAt"];
	        this.stderr = source["stderr"];
	        this.results = this.convertValues(source["results"], ActionResult);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SecretSummary {
	    name: string;
	    set: boolean;
	    usedBy: string[];
	    updatedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new SecretSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.set = source["set"];
	        this.usedBy = source["usedBy"];
	        this.updatedAt = source["updatedAt"];
	    }
	}
	export class StackDetail {
	    name: string;
	    description: string;
	    revision: number;
	    status: string;
	    network: string;
	    subnet: string;
	    instances: InstanceSummary[];
	    root: string;
	    rootChosen: boolean;
	    engine: string;
	    engineEndpoint: string;
	    engineHealthy: boolean;
	    engineError?: string;
	    movingFrom?: string;
	    publishAddress: string;
	    problems: Problem[];
	
	    static createFrom(source: any = {}) {
	        return new StackDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	        this.revision = source["revision"];
	        this.status = source["status"];
	        this.network = source["network"];
	        this.subnet = source["subnet"];
	        this.instances = this.convertValues(source["instances"], InstanceSummary);
	        this.root = source["root"];
	        this.rootChosen = source["rootChosen"];
	        this.engine = source["engine"];
	        this.engineEndpoint = source["engineEndpoint"];
	        this.engineHealthy = source["engineHealthy"];
	        this.engineError = source["engineError"];
	        this.movingFrom = source["movingFrom"];
	        this.publishAddress = source["publishAddress"];
	        this.problems = this.convertValues(source["problems"], Problem);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StackGraph {
	    stack: string;
	    revision: number;
	    nodes: GraphNode[];
	    wires: GraphWire[];
	    problems: GraphProblem[];
	
	    static createFrom(source: any = {}) {
	        return new StackGraph(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.revision = source["revision"];
	        this.nodes = this.convertValues(source["nodes"], GraphNode);
	        this.wires = this.convertValues(source["wires"], GraphWire);
	        this.problems = this.convertValues(source["problems"], GraphProblem);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StackSummary {
	    name: string;
	    description: string;
	    instances: number;
	    revision: number;
	    status: string;
	    updatedAt: string;
	    engine: string;
	
	    static createFrom(source: any = {}) {
	        return new StackSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.description = source["description"];
	        this.instances = source["instances"];
	        this.revision = source["revision"];
	        this.status = source["status"];
	        this.updatedAt = source["updatedAt"];
	        this.engine = source["engine"];
	    }
	}
	export class TemplateDetail {
	    name: string;
	    builtin: boolean;
	    version: number;
	    category: string;
	    description: string;
	    image: string;
	    ports: string[];
	    provides: string[];
	    consumes: ContractNeed[];
	    usedBy: string[];
	    yaml: string;
	
	    static createFrom(source: any = {}) {
	        return new TemplateDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.builtin = source["builtin"];
	        this.version = source["version"];
	        this.category = source["category"];
	        this.description = source["description"];
	        this.image = source["image"];
	        this.ports = source["ports"];
	        this.provides = source["provides"];
	        this.consumes = this.convertValues(source["consumes"], ContractNeed);
	        this.usedBy = source["usedBy"];
	        this.yaml = source["yaml"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TemplateSummary {
	    name: string;
	    builtin: boolean;
	    version: number;
	    category: string;
	    description: string;
	    image: string;
	    ports: string[];
	    provides: string[];
	    consumes: ContractNeed[];
	    usedBy: string[];
	
	    static createFrom(source: any = {}) {
	        return new TemplateSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.builtin = source["builtin"];
	        this.version = source["version"];
	        this.category = source["category"];
	        this.description = source["description"];
	        this.image = source["image"];
	        this.ports = source["ports"];
	        this.provides = source["provides"];
	        this.consumes = this.convertValues(source["consumes"], ContractNeed);
	        this.usedBy = source["usedBy"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UpdatePreview {
	    stack: string;
	    dryRun: boolean;
	    revision: number;
	    changes: DefinitionChange[];
	    templatesCreated: string[];
	    secretsGenerated: string[];
	    secretsSet: string[];
	    missingSecrets: string[];
	    warnings: string[];
	    secretValuesUnchecked: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UpdatePreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stack = source["stack"];
	        this.dryRun = source["dryRun"];
	        this.revision = source["revision"];
	        this.changes = this.convertValues(source["changes"], DefinitionChange);
	        this.templatesCreated = source["templatesCreated"];
	        this.secretsGenerated = source["secretsGenerated"];
	        this.secretsSet = source["secretsSet"];
	        this.missingSecrets = source["missingSecrets"];
	        this.warnings = source["warnings"];
	        this.secretValuesUnchecked = source["secretValuesUnchecked"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class VersionInfo {
	    version: string;
	    commit: string;
	    goVersion: string;
	    platform: string;
	
	    static createFrom(source: any = {}) {
	        return new VersionInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.commit = source["commit"];
	        this.goVersion = source["goVersion"];
	        this.platform = source["platform"];
	    }
	}
	export class WireResult {
	    changed: boolean;
	    revision: number;
	
	    static createFrom(source: any = {}) {
	        return new WireResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.changed = source["changed"];
	        this.revision = source["revision"];
	    }
	}

}

