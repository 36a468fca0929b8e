"""gongkai.data"""
