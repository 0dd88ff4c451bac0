export namespace bindings {
	
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
	export class StackSummary {
	    name: string;
	    description: string;
	    instances: number;
	    revision: number;
	    status: string;
	    updatedAt: string;
	
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

}

